import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
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
 * GraphQL's own validation errors pass through; anything else is masked (and logged with the
 * request's id by logUnexpectedErrors), so no stack trace, SQL or driver message reaches a client.
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

const VARIABLE_NAME = /^Variable "\$(\w+)" /;
const PATH_AT_END = /at "(\w+(?:\.\w+|\[\d+\])*)"$/;
const MISSING_OR_UNKNOWN_FIELD = /^Field "(\w+)" (?:of required type .* was not provided|is not defined by type )/;

/**
 * The field path of a variable GraphQL could not coerce (`input.participants.0.fullName`), from
 * graphql-js's message: `Variable "$input" got invalid value … at "input.participants[0]"; Field
 * "fullName" of required type "String!" was not provided.` The value printed in the middle is the
 * client's, so the path is read only from the end of the part before the reason.
 */
export function variableField(message: string, reason: string | undefined): string | null {
  const name = VARIABLE_NAME.exec(message)?.[1];
  if (!name) return null;
  const head = reason && message.endsWith(`; ${reason}`) ? message.slice(0, -(reason.length + 2)) : message;
  const at = (PATH_AT_END.exec(head)?.[1] ?? name).replace(/\[(\d+)\]/g, '.$1');
  const missing = reason ? MISSING_OR_UNKNOWN_FIELD.exec(reason)?.[1] : undefined;
  return missing ? `${at}.${missing}` : at;
}

/** A BAD_USER_INPUT of GraphQL's own (a variable of the wrong type) gets `field` and `fields` like ours. */
function withVariableField(extensions: Record<string, unknown>, message: string, error: unknown): Record<string, unknown> {
  if (extensions.code !== 'BAD_USER_INPUT' || extensions.field !== undefined) return extensions;
  const reason = error instanceof GraphQLError ? error.originalError?.message : undefined;
  const field = variableField(message, reason);
  return field ? { ...extensions, field, fields: [{ field, message: reason ?? message }] } : extensions;
}

/** graphql-js stops coercing variables after 50 problems, with an error of no code of its own. */
const TOO_MANY_VARIABLE_ERRORS = 'Too many errors processing variables';

/** True for an error the client caused or was meant to see; anything else is masked and logged. */
function isExpected(message: string, code: unknown, original: unknown): boolean {
  return (
    original instanceof DomainError ||
    (typeof code === 'string' && PASS_THROUGH_CODES.has(code)) ||
    message.startsWith(TOO_MANY_VARIABLE_ERRORS)
  );
}

export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof DomainError) {
    return {
      message: original.message,
      path: formatted.path,
      locations: formatted.locations,
      extensions: domainExtensions(original),
    };
  }
  if (formatted.message.startsWith(TOO_MANY_VARIABLE_ERRORS)) {
    return { message: formatted.message, extensions: { code: 'BAD_USER_INPUT' } };
  }
  const code = formatted.extensions?.code;
  if (isExpected(formatted.message, code, original)) {
    const { stacktrace: _dropped, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions: withVariableField(extensions, formatted.message, error) };
  }
  return {
    message: 'Internal server error.',
    path: formatted.path,
    locations: formatted.locations,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

/**
 * Logs what formatError masks, through the request's own logger (its lines carry the request id),
 * with the original error and the GraphQL path.
 */
export const logUnexpectedErrors: ApolloServerPlugin<{ logger: Logger }> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors, contextValue }) {
        for (const error of errors) {
          const original = unwrapResolverError(error);
          if (isExpected(error.message, error.extensions?.code, original)) continue;
          contextValue.logger.error({ err: original, path: error.path }, 'unexpected error while resolving a request');
        }
      },
    };
  },
};
