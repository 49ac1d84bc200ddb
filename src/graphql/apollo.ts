import { ApolloServer } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from '../observability/logger.js';
import type { GraphQLContext } from './context.js';
import { createFormatError } from './errors.js';

export function createApolloServer(
  schema: GraphQLSchema,
  options: { logger: Logger; production: boolean },
): ApolloServer<GraphQLContext> {
  return new ApolloServer<GraphQLContext>({
    schema,
    formatError: createFormatError(options.logger),
    includeStacktraceInErrorResponses: false,
    introspection: !options.production,
    // CSRF prevention stays on (Apollo's default): browsers cannot send simple cross-site requests.
    logger: {
      debug: (message) => options.logger.debug(message),
      info: (message) => options.logger.info(message),
      warn: (message) => options.logger.warn(message),
      error: (message) => options.logger.error(message),
    },
  });
}
