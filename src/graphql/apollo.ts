import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from '../observability/logger.js';
import type { GraphQLContext } from './context.js';
import { createFormatError } from './errors.js';

/**
 * Limits on what one operation may ask (graphql-armor): a query plan of the gateway fits well
 * inside them; a hostile or accidental monster does not. Field suggestions are blocked so errors
 * do not leak the schema when introspection is off.
 */
export const QUERY_LIMITS = {
  maxDepth: 12,
  maxAliases: 15,
  maxTokens: 3_000,
  maxDirectives: 20,
  maxCost: 5_000,
} as const;

/** Apollo Server's log lines, into our logger (the subgraph's and the gateway's). */
export function apolloLogger(logger: Logger) {
  return {
    debug: (message: string) => logger.debug(message),
    info: (message: string) => logger.info(message),
    warn: (message: string) => logger.warn(message),
    error: (message: string) => logger.error(message),
  };
}

/** The limits as Apollo Server plugins and validation rules (the subgraph's and the gateway's). */
export function queryLimits() {
  return new ApolloArmor({
    maxDepth: { n: QUERY_LIMITS.maxDepth },
    maxAliases: { n: QUERY_LIMITS.maxAliases },
    maxTokens: { n: QUERY_LIMITS.maxTokens },
    maxDirectives: { n: QUERY_LIMITS.maxDirectives },
    costLimit: { maxCost: QUERY_LIMITS.maxCost },
    blockFieldSuggestion: { enabled: true },
  }).protect();
}

export function createApolloServer(
  schema: GraphQLSchema,
  options: { logger: Logger; production: boolean; plugins?: ApolloServerPlugin<GraphQLContext>[] },
): ApolloServer<GraphQLContext> {
  const armor = queryLimits();
  return new ApolloServer<GraphQLContext>({
    schema,
    // armor's plugins only read the request; they are typed for any context.
    plugins: [
      ...(armor.plugins as ApolloServerPlugin<GraphQLContext>[]),
      ...(options.plugins ?? []),
      // No cache hints in this schema; Apollo's default cache-control plugin would still run a hook
      // on every resolved field (a tenth of an `_entities` batch's CPU, BENCHMARKS.md).
      ApolloServerPluginCacheControlDisabled(),
    ],
    validationRules: [...armor.validationRules],
    allowBatchedHttpRequests: false,
    formatError: createFormatError(options.logger),
    includeStacktraceInErrorResponses: false,
    introspection: !options.production,
    // The service's own shutdown stops Apollo after the HTTP server has drained; Apollo's own
    // SIGTERM handler would stop it first and fail the requests still in flight.
    stopOnTerminationSignals: false,
    // CSRF prevention stays on (Apollo's default): browsers cannot send simple cross-site requests.
    logger: apolloLogger(options.logger),
  });
}
