import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { GraphQLError } from 'graphql';
import { variableField } from '../src/graphql/errors.js';
import { VALIDATION_ABORTED } from '../src/graphql/query-limits.js';

/**
 * The gateway refuses a request it cannot run the way the subgraph does (src/graphql/query-limits.ts
 * and errors.ts): HTTP 400, a stable code, and the limit or the variable path named.
 * - a document that does not parse (truncated): GRAPHQL_PARSE_FAILED;
 * - over a limit: graphql-armor words every refusal "Syntax Error: …" although the document parsed;
 *   the token limit is a parse failure (`limit: maxTokens`), depth, aliases and directives are
 *   validation failures that name their limit;
 * - graphql-js's "Validation aborted." (too many fields to compare for merging) says which limit;
 * - a variable of the wrong type: BAD_USER_INPUT with `field`, the variable's path.
 * Yoga answers application/json clients 200 for some of these; they are the client's fault: 400.
 */

type Refusal = { message: string; extensions: Record<string, unknown> };

const ARMOR_LIMITS: { pattern: RegExp; limit: string; code: string }[] = [
  { pattern: /^Syntax Error: (Token limit of \d+ exceeded\.)$/, limit: 'maxTokens', code: 'GRAPHQL_PARSE_FAILED' },
  { pattern: /^Syntax Error: (Query depth limit of .*)$/, limit: 'maxDepth', code: 'GRAPHQL_VALIDATION_FAILED' },
  { pattern: /^Syntax Error: (Aliases limit of .*)$/, limit: 'maxAliases', code: 'GRAPHQL_VALIDATION_FAILED' },
  { pattern: /^Syntax Error: (Directives limit of .*)$/, limit: 'maxDirectives', code: 'GRAPHQL_VALIDATION_FAILED' },
];

const VARIABLE_ERROR = /^Variable "\$[_A-Za-z][_0-9A-Za-z]*" (got invalid value|of required type|of non-null type)/;

/** What the client is told instead of `error`, or null when the error is not a refusal of the request. */
export function refusalOf(error: GraphQLError): Refusal | null {
  for (const { pattern, limit, code } of ARMOR_LIMITS) {
    const match = pattern.exec(error.message);
    if (match?.[1]) return { message: match[1], extensions: { code, limit } };
  }
  if (error.message === 'Validation aborted.') {
    return { message: VALIDATION_ABORTED, extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'validationComplexity' } };
  }
  if (error.message.startsWith('Syntax Error:') || error.extensions?.code === 'GRAPHQL_PARSE_FAILED') {
    return { message: error.message, extensions: { code: 'GRAPHQL_PARSE_FAILED' } };
  }
  if (VARIABLE_ERROR.test(error.message)) {
    const field = variableField(error.message, error.originalError?.message);
    const reason = error.originalError?.message ?? error.message;
    return {
      message: error.message,
      extensions: { code: 'BAD_USER_INPUT', ...(field && { field, fields: [{ field, message: reason }] }) },
    };
  }
  return null;
}

export const refusalsAre400: GatewayPlugin = {
  onResultProcess({ result, setResult }) {
    // Only results without data: a request refused before execution.
    if (Array.isArray(result) || !('errors' in result) || 'data' in result) return;
    const errors = (result.errors ?? []) as readonly GraphQLError[];
    const refusals = errors.map((error) => refusalOf(error));
    if (!refusals.some(Boolean)) return;
    setResult({
      ...result,
      errors: errors.map((error, index) => {
        const refusal = refusals[index];
        if (!refusal) return error;
        return new GraphQLError(refusal.message, {
          ...(error.source && { source: error.source }),
          ...(error.positions && { positions: error.positions }),
          extensions: { ...error.extensions, ...refusal.extensions, http: { status: 400 } },
        });
      }),
    });
  },
};
