import { EnvelopArmor } from '@escape.tech/graphql-armor';
import type { GatewayConfigSupergraph, GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { type DocumentNode, Kind, parse, visit } from 'graphql';
import { useReadinessCheck } from 'graphql-yoga';
import type { Caller } from '../src/domain/index.js';
import type { AuthOptions } from '../src/graphql/auth.js';
import { callerResolver, INVALID_TOKEN, scopesOfCaller, unauthenticated, validateCaller } from './access.js';
import type { PersistedQueryManifest } from './persisted-operations.js';
import { refusalsAre400 } from './refusals.js';
import type { SubgraphName } from './supergraph.js';

/**
 * The gateway's configuration for Hive Gateway, shared by `gateway/gateway.config.ts` (the
 * `hive-gateway` CLI, docker compose) and `startGateway` (npm run gateway, the end-to-end tests):
 * - JWT verification and `@authenticated` / `@requiresScopes` / `@policy` (./access.ts);
 * - the caller's token, the request id and, to svc-reservations only, `x-gateway-secret` forwarded;
 * - partners: the operations of their persisted-query manifest, by id, and nothing else;
 * - limits: tokens, depth, aliases, directives (graphql-armor) and demand control (`@cost` /
 *   `@listSize`, refused with COST_ESTIMATED_TOO_EXPENSIVE before the subgraph is called);
 * - readiness: the supergraph is loaded and every subgraph answers.
 */

export interface GatewaySettings {
  supergraphSdl: string;
  /** Where each subgraph is reached; overrides the URLs written in the supergraph. */
  subgraphUrls: Partial<Record<SubgraphName, string>>;
  auth: AuthOptions;
  /** Sent to svc-reservations as `x-gateway-secret`. */
  gatewaySecret?: string | undefined;
  partnerManifest: PersistedQueryManifest;
  production: boolean;
}

/** What one operation may ask at the gateway (the subgraph has its own, src/graphql/apollo.ts). */
export const GATEWAY_LIMITS = {
  maxTokens: 3_000,
  maxDepth: 12,
  maxAliases: 15,
  maxDirectives: 20,
  /** Demand control: a page of 100 reservations with participants is about 1,400. */
  maxCost: 5_000,
} as const;

/** The largest request body admitted (a persisted operation's variables fit well inside). */
export const MAX_BODY_BYTES = 1_000_000;

/** Refuses a request whose declared body is too large, before it is read (413). */
const bodyLimit: GatewayPlugin = {
  onRequest({ request, endResponse, fetchAPI }) {
    const length = Number(request.headers.get('content-length') ?? 0);
    if (length <= MAX_BODY_BYTES) return;
    const error = {
      message: `The request body is over ${MAX_BODY_BYTES} bytes.`,
      extensions: { code: 'PAYLOAD_TOO_LARGE' },
    };
    endResponse(
      new fetchAPI.Response(JSON.stringify({ errors: [error] }), {
        status: 413,
        headers: { 'content-type': 'application/json' },
      }),
    );
  },
};

/** The supergraph with each subgraph's `@join__graph(url:)` set to where it is reached here. */
export function routedSupergraph(sdl: string, urls: Partial<Record<SubgraphName, string>>): DocumentNode {
  return visit(parse(sdl), {
    Directive(node) {
      if (node.name.value !== 'join__graph') return undefined;
      const name = node.arguments?.find((argument) => argument.name.value === 'name')?.value;
      const url = name?.kind === Kind.STRING ? urls[name.value as SubgraphName] : undefined;
      if (!url) return undefined;
      return {
        ...node,
        arguments: node.arguments?.map((argument) =>
          argument.name.value === 'url' ? { ...argument, value: { kind: Kind.STRING, value: url } } : argument,
        ),
      };
    },
  });
}

/** The URL of each subgraph in the (routed) supergraph. */
function subgraphUrlsOf(supergraph: DocumentNode): Map<string, string> {
  const urls = new Map<string, string>();
  visit(supergraph, {
    Directive(node) {
      if (node.name.value !== 'join__graph') return;
      const values = Object.fromEntries(
        (node.arguments ?? []).map((argument) => [
          argument.name.value,
          argument.value.kind === Kind.STRING ? argument.value.value : '',
        ]),
      );
      if (values.name && values.url) urls.set(values.name, values.url);
    },
  });
  return urls;
}

/** Readiness: the supergraph is loaded and every subgraph answers HTTP within a second. */
function supergraphReadiness(urls: Map<string, string>, headersFor: (subgraph: string) => Record<string, string>) {
  let loaded = false;
  const answers = async (name: string, url: string) => {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headersFor(name) },
        body: JSON.stringify({ query: '{ __typename }' }),
        signal: AbortSignal.timeout(1_000),
      });
      await response.body?.cancel();
      return response.status < 500;
    } catch {
      return false;
    }
  };
  const schemaLoaded: GatewayPlugin = {
    onSchemaChange() {
      loaded = true;
    },
  };
  const check = useReadinessCheck({
    endpoint: '/readiness',
    check: async () => {
      if (!loaded) return false;
      const results = await Promise.all([...urls].map(([name, url]) => answers(name, url)));
      return results.every(Boolean);
    },
  });
  return [schemaLoaded, check];
}

export function gatewayOptions(settings: GatewaySettings): GatewayConfigSupergraph<{ currentUser?: Caller }> {
  const supergraph = routedSupergraph(settings.supergraphSdl, settings.subgraphUrls);
  const callerOf = callerResolver(settings.auth);
  const manifest = new Map(settings.partnerManifest.operations.map((operation) => [operation.id, operation.body]));
  const headersFor = (subgraph: string): Record<string, string> =>
    subgraph === 'reservations' && settings.gatewaySecret ? { 'x-gateway-secret': settings.gatewaySecret } : {};
  const armor = new EnvelopArmor({
    maxTokens: { n: GATEWAY_LIMITS.maxTokens },
    maxDepth: { n: GATEWAY_LIMITS.maxDepth },
    maxAliases: { n: GATEWAY_LIMITS.maxAliases },
    maxDirectives: { n: GATEWAY_LIMITS.maxDirectives },
    costLimit: { enabled: false }, // demand control below reads the schema's own @cost / @listSize
    blockFieldSuggestion: { enabled: true },
  }).protect();

  return {
    supergraph,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/healthcheck',
    // Our own readiness below also asks the subgraphs; Hive's only knows about the supergraph.
    readinessCheckEndpoint: '/readiness/supergraph',
    landingPage: false,
    graphiql: !settings.production,
    batching: false,
    maskedErrors: true,
    disableIntrospection: settings.production ? {} : undefined,
    requestId: true,
    genericAuth: {
      mode: 'protect-granular',
      resolveUserFn: async (context) => {
        const caller = await callerOf(context.request);
        if (caller === INVALID_TOKEN) throw unauthenticated('The token is invalid, expired, or names no known role.');
        return caller;
      },
      extractScopes: (caller) => scopesOfCaller(caller as Caller | null),
      validateUser: (params) => validateCaller({ ...params, user: params.user as Caller | null }),
    },
    persistedDocuments: {
      getPersistedOperation: (id) => manifest.get(id) ?? null,
      // Partners run persisted operations only; anyone else may also send documents (a request
      // whose token does not verify is refused by auth, with UNAUTHENTICATED, right after).
      allowArbitraryDocuments: async (request) => {
        const caller = await callerOf(request);
        return caller === null || caller === INVALID_TOKEN || caller.role !== 'partner';
      },
      customErrors: {
        persistedQueryOnly: {
          message: 'Partners may only run their persisted operations, by id (extensions.persistedQuery.sha256Hash).',
          extensions: { code: 'PERSISTED_QUERY_ID_REQUIRED', http: { status: 403 } },
        },
        notFound: {
          message: 'This operation id is not in the persisted operations list.',
          extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST', http: { status: 400 } },
        },
        keyNotFound: {
          message: 'Send a document (query) or a persisted operation id (extensions.persistedQuery.sha256Hash).',
          extensions: { code: 'PERSISTED_QUERY_ID_REQUIRED', http: { status: 400 } },
        },
      },
    },
    demandControl: { maxCost: GATEWAY_LIMITS.maxCost, includeExtensionMetadata: false },
    propagateHeaders: {
      fromClientToSubgraphs: ({ request, subgraphName }) => {
        const forwarded: Record<string, string> = { ...headersFor(subgraphName) };
        for (const name of ['authorization', 'x-request-id']) {
          const value = request.headers.get(name);
          if (value) forwarded[name] = value;
        }
        return forwarded;
      },
    },
    plugins: () => [bodyLimit, ...armor.plugins, refusalsAre400, ...supergraphReadiness(subgraphUrlsOf(supergraph), headersFor)],
  };
}
