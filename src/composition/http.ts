import type { IncomingMessage, Server } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import { trace } from '@opentelemetry/api';
import { GraphQLError } from 'graphql';
import type { JSONWebKeySet } from 'jose';
import { type AppDeps, forOneRequest } from '../app/deps.js';
import type { PersonalDataStore } from '../app/ports/personal-data-store.js';
import type { Config } from '../config.js';
import type { SqlPool } from '../db/reservation-reads.js';
import type { Db } from '../db/rows.js';
import { type Caller, UnauthenticatedError } from '../domain/index.js';
import { Authenticator, DEVELOPMENT_KEY_FILE, developmentKeys, gatewaySecretMatches } from '../graphql/auth.js';
import type { GraphQLContext } from '../graphql/context.js';
import { createHttpServer } from '../graphql/http-server.js';
import { createLoaders } from '../graphql/loaders.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Readiness } from './readiness.js';

const MAX_BODY_BYTES = 1_000_000;

export interface HttpParts {
  config: Config;
  apollo: ApolloServer<GraphQLContext>;
  authenticator: Authenticator;
  deps: AppDeps;
  db: Db;
  /** The pool under `db`: the hottest reads go through `pg` directly (src/db/reservation-reads.ts). */
  pool: SqlPool;
  personalData: PersonalDataStore;
  metrics: Metrics;
  logger: Logger;
  readiness: () => Promise<Readiness>;
  draining: () => boolean;
}

/**
 * A GraphQL request's context. Its logger is the request's own (`request.log`), looked up only
 * when a line is written: the child logger behind it is made on first use. The getter lives on
 * the prototype, which Apollo keeps when it copies the context for the operation.
 */
class RequestContext implements GraphQLContext {
  readonly requestId: string;
  readonly caller: Caller | null;
  readonly loaders: GraphQLContext['loaders'];
  readonly deps: GraphQLContext['deps'];
  readonly db: Db;
  readonly personalData: PersonalDataStore;

  constructor(
    private readonly request: IncomingMessage,
    parts: Omit<GraphQLContext, 'logger'>,
  ) {
    this.requestId = parts.requestId;
    this.caller = parts.caller;
    this.loaders = parts.loaders;
    this.deps = parts.deps;
    this.db = parts.db;
    this.personalData = parts.personalData;
  }

  get logger(): Logger {
    return this.request.log;
  }
}

/** The HTTP server: GraphQL with a context per request, health, metrics; listening when it returns. */
export async function listen(parts: HttpParts): Promise<Server> {
  const { config, authenticator, deps, db, metrics, logger } = parts;
  const server: Server = createHttpServer({
    apollo: parts.apollo,
    logger,
    maxBodyBytes: MAX_BODY_BYTES,
    readiness: parts.readiness,
    draining: parts.draining,
    extraRoutes: {
      '/metrics': async (_request, response) => {
        const body = await metrics.registry.metrics();
        response.writeHead(200, { 'content-type': metrics.registry.contentType });
        response.end(body);
      },
    },
    ...(config.auth.gatewaySecret && {
      admitGraphQL: (request: IncomingMessage) =>
        gatewaySecretMatches(config.auth.gatewaySecret ?? '', request.headers['x-gateway-secret']),
    }),
    context: async (request): Promise<GraphQLContext> => {
      const requestId = String(request.id);
      trace.getActiveSpan()?.setAttribute('app.request_id', requestId);
      let caller: Caller | null;
      try {
        caller = await authenticator.callerOf(request.headers);
      } catch (error) {
        if (!(error instanceof UnauthenticatedError)) throw error;
        throw new GraphQLError(error.message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
      }
      return new RequestContext(request, {
        requestId,
        caller,
        loaders: createLoaders(db, parts.pool),
        deps: forOneRequest(deps),
        db,
        personalData: parts.personalData,
      });
    },
  });
  server.keepAliveTimeout = config.http.keepAliveTimeoutMs;
  await new Promise<void>((resolve) => server.listen(config.http.port, config.http.host, resolve));
  return server;
}

/**
 * The configured token keys; in development without them, an ephemeral key pair and a staff token
 * in the log, so `npm start` can be tried at once (configuration refuses this in production).
 */
export async function createAuthenticator(config: Config, logger: Logger): Promise<Authenticator> {
  const { issuer, audience, jwks } = config.auth;
  const options = { issuer, audience };
  if (jwks) return new Authenticator({ ...options, jwks: jwks as unknown as JSONWebKeySet });
  const keys = await developmentKeys(options.issuer, options.audience, DEVELOPMENT_KEY_FILE);
  const token = await keys.sign({ role: 'staff' }, 'developer');
  logger.warn(
    { authorization: `Bearer ${token}` },
    'AUTH_JWKS is not set: development keys in use; send this header to call the API as staff for 12 hours',
  );
  return new Authenticator({ ...options, jwks: keys.jwks });
}
