import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import {
  BadUserInputError,
  DomainError,
  GuestInvalidError,
  InvalidTransitionError,
  StaleRevisionError,
} from '../domain/index.js';
import type { Logger } from '../observability/logger.js';

/**
 * The one place errors become GraphQL errors: domain errors keep their stable code and details;
 * GraphQL's own validation errors pass through; anything else is logged and masked, so no stack
 * trace, SQL or driver message ever reaches a client.
 */

function domainExtensions(error: DomainError): Record<string, unknown> {
  const extensions: Record<string, unknown> = { ...error.details, code: error.code };
  if (error instanceof BadUserInputError) {
    extensions.fields = error.fields;
    if (error.fields[0]) extensions.field = error.fields[0].field;
  }
  if (error instanceof StaleRevisionError) extensions.currentRev = error.currentRev;
  if (error instanceof GuestInvalidError) extensions.field = error.field;
  if (error instanceof InvalidTransitionError) {
    extensions.from = error.from;
    if (error.to) extensions.to = error.to;
  }
  return extensions;
}

const PASS_THROUGH_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'QUERY_TOO_COMPLEX',
]);

export function createFormatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof DomainError) {
      return {
        message: original.message,
        path: formatted.path,
        locations: formatted.locations,
        extensions: domainExtensions(original),
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && PASS_THROUGH_CODES.has(code)) {
      const { stacktrace: _dropped, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    logger.error({ err: original, path: formatted.path }, 'unexpected error while resolving a request');
    return {
      message: 'Internal server error.',
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
