import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from '../observability/logger.js';
import type { GraphQLContext } from './context.js';
import { formatError, logUnexpectedErrors } from './errors.js';
import { queryLimits } from './query-limits.js';

/** Apollo Server's log lines, into our logger (the subgraph's and the gateway's). */
export function apolloLogger(logger: Logger) {
  return {
    debug: (message: string) => logger.debug(message),
    info: (message: string) => logger.info(message),
    warn: (message: string) => logger.warn(message),
    error: (message: string) => logger.error(message),
  };
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
      logUnexpectedErrors,
      // No cache hints in this schema; Apollo's default cache-control plugin would still run a hook
      // on every resolved field (a tenth of an `_entities` batch's CPU, BENCHMARKS.md).
      ApolloServerPluginCacheControlDisabled(),
      // Apollo's federated tracing (ftv1, for GraphOS) builds a trace tree for every request of a
      // subgraph before it looks whether the router asked for one; our gateway does not, and the
      // service traces with OpenTelemetry (README, Observability).
      ApolloServerPluginInlineTraceDisabled(),
    ],
    validationRules: [...armor.validationRules],
    allowBatchedHttpRequests: false,
    formatError,
    includeStacktraceInErrorResponses: false,
    introspection: !options.production,
    // The service's own shutdown stops Apollo after the HTTP server has drained; Apollo's own
    // SIGTERM handler would stop it first and fail the requests still in flight.
    stopOnTerminationSignals: false,
    // CSRF prevention stays on (Apollo's default): browsers cannot send simple cross-site requests.
    logger: apolloLogger(options.logger),
  });
}
