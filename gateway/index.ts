import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { JSONWebKeySet } from 'jose';
import { type Caller, UnauthenticatedError } from '../src/domain/index.js';
import { apolloLogger, queryLimits } from '../src/graphql/apollo.js';
import { Authenticator } from '../src/graphql/auth.js';
import { createHttpServer, RefusedRequest } from '../src/graphql/http-server.js';
import type { Logger } from '../src/observability/logger.js';
import type { PersistedQueryManifest } from './persisted-operations.js';
import { refusedFields, scopeRules, withoutSecurityFeatures } from './security.js';
import type { SubgraphName } from './supergraph.js';

/**
 * The gateway of the local supergraph (and of the end-to-end tests): `@apollo/gateway` behind
 * our own HTTP layer, which
 * - verifies the caller's token (JWT, jose) and refuses requests without a valid one
 *   (`UNAUTHENTICATED`), then forwards it unchanged to every subgraph, with the shared secret
 *   to svc-reservations (`x-gateway-secret`) and the request id;
 * - admits from partners only the operations of their persisted-query manifest, sent by id
 *   (`extensions.persistedQuery.sha256Hash`); others may send documents or ids;
 * - enforces `@requiresScopes` of the supergraph (refused fields: `FORBIDDEN`);
 * - limits what an operation may ask (graphql-armor, body size), masks internal errors, and
 *   turns introspection off in production.
 */

export interface GatewayOptions {
  supergraphSdl: string;
  /** Where each subgraph is reached; overrides the URLs written in the supergraph. */
  subgraphUrls: Partial<Record<SubgraphName, string>>;
  auth: { jwks: JSONWebKeySet; issuer: string; audience: string };
  /** Sent to svc-reservations as `x-gateway-secret`. */
  gatewaySecret?: string | undefined;
  partnerManifest: PersistedQueryManifest;
  port: number;
  host: string;
  production: boolean;
  logger: Logger;
}

export interface GatewayContext {
  caller: Caller;
  authorization: string;
  requestId: string;
}

export interface RunningGateway {
  url: string;
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 1_000_000;

/** Codes whose errors reach clients as the subgraph (or Apollo) phrased them. */
function isClientFacing(error: GraphQLFormattedError): boolean {
  const code = error.extensions?.code;
  return typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR';
}

function formatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const { stacktrace: _stack, exception: _exception, ...extensions } = formatted.extensions ?? {};
    if (isClientFacing(formatted)) return { ...formatted, extensions };
    logger.error({ err: unwrapResolverError(error), path: formatted.path }, 'unexpected error in the gateway');
    return { message: 'Internal server error.', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

interface GraphQLRequestBody {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } & Record<string, unknown>;
}

/** Resolves a persisted-operation id into its document; partners may send nothing else. */
function admitOperation(body: unknown, caller: Caller, manifest: Map<string, string>): unknown {
  if (typeof body !== 'object' || body === null) return body;
  const request = body as GraphQLRequestBody;
  const id = request.extensions?.persistedQuery?.sha256Hash;
  if (typeof id === 'string') {
    const document = manifest.get(id);
    if (!document) {
      throw new RefusedRequest(400, 'PERSISTED_QUERY_NOT_IN_LIST', 'This operation id is not in the persisted operations list.');
    }
    if (request.query !== undefined && request.query !== document) {
      throw new RefusedRequest(400, 'PERSISTED_QUERY_MISMATCH', 'The document sent does not match the persisted operation id.');
    }
    const { persistedQuery: _id, ...extensions } = request.extensions ?? {};
    return { ...request, query: document, extensions };
  }
  if (caller.role === 'partner') {
    throw new RefusedRequest(
      403,
      'PERSISTED_QUERY_ID_REQUIRED',
      'Partners may only run their persisted operations, by id (extensions.persistedQuery.sha256Hash).',
    );
  }
  return body;
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { logger } = options;
  const authenticator = new Authenticator(options.auth);
  const rules = scopeRules(options.supergraphSdl);
  const manifest = new Map(options.partnerManifest.operations.map((operation) => [operation.id, operation.body]));

  const gateway = new ApolloGateway({
    supergraphSdl: withoutSecurityFeatures(options.supergraphSdl),
    buildService: ({ name, url }) => {
      const target = options.subgraphUrls[name as SubgraphName] ?? url;
      return new RemoteGraphQLDataSource<GatewayContext>({
        url: target,
        willSendRequest: ({ request, context }) => {
          if (context.authorization) request.http?.headers.set('authorization', context.authorization);
          if (context.requestId) request.http?.headers.set('x-request-id', context.requestId);
          if (name === 'reservations' && options.gatewaySecret)
            request.http?.headers.set('x-gateway-secret', options.gatewaySecret);
        },
      });
    },
  });

  const enforceScopes: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, document, schema }) {
          const refused = refusedFields(schema, document, rules, contextValue.caller.role);
          if (refused.length > 0) {
            throw new GraphQLError(`Not open to a ${contextValue.caller.role}: ${refused.join(', ')}.`, {
              extensions: { code: 'FORBIDDEN', fields: refused, http: { status: 403 } },
            });
          }
        },
      };
    },
  };

  const armor = queryLimits();

  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    plugins: [...(armor.plugins as ApolloServerPlugin<GatewayContext>[]), enforceScopes],
    validationRules: [...armor.validationRules],
    allowBatchedHttpRequests: false,
    // Operation ids are resolved from the manifest above; clients cannot register documents.
    persistedQueries: false,
    introspection: !options.production,
    includeStacktraceInErrorResponses: false,
    formatError: formatError(logger),
    stopOnTerminationSignals: false,
    logger: apolloLogger(logger),
  });
  await apollo.start();

  // The caller of a request, verified once: before the body is admitted, and for the context.
  const callers = new WeakMap<IncomingMessage, Promise<Caller>>();
  const callerOf = (request: IncomingMessage): Promise<Caller> => {
    let caller = callers.get(request);
    if (!caller) {
      caller = authenticator.callerOf(request.headers).then(
        (verified) => {
          if (!verified)
            throw new RefusedRequest(401, 'UNAUTHENTICATED', 'Send the caller\'s token as "Authorization: Bearer <token>".');
          return verified;
        },
        (error: unknown) => {
          if (error instanceof UnauthenticatedError) throw new RefusedRequest(401, 'UNAUTHENTICATED', error.message);
          throw error;
        },
      );
      callers.set(request, caller);
    }
    return caller;
  };

  const server: Server = createHttpServer<GatewayContext>({
    apollo,
    maxBodyBytes: MAX_BODY_BYTES,
    readiness: async () => ({ failed: [] }),
    prepare: async (request, body, url) => {
      const caller = await callerOf(request);
      if (request.method !== 'POST' && caller.role === 'partner' && url.pathname === '/graphql') {
        throw new RefusedRequest(403, 'PERSISTED_QUERY_ID_REQUIRED', 'Partners may only POST their persisted operations, by id.');
      }
      return request.method === 'POST' ? admitOperation(body, caller, manifest) : body;
    },
    context: async (request) => ({
      caller: await callerOf(request),
      authorization: String(request.headers.authorization ?? ''),
      requestId: String(request.headers['x-request-id'] ?? randomUUID()).slice(0, 128),
    }),
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  const { port } = server.address() as AddressInfo;
  logger.info({ url: `http://${options.host}:${port}/graphql` }, 'gateway ready');

  return {
    url: `http://127.0.0.1:${port}/graphql`,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await apollo.stop();
    },
  };
}
