import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, Lexer, Source, TokenKind, type ValidationContext } from 'graphql';

/**
 * Limits on what one operation may ask (graphql-armor for depth, aliases, directives and cost; our
 * own token count): a query plan of the gateway fits well inside them; a hostile or accidental
 * monster does not. Every refusal is a 400 that names the limit in `extensions.limit`; field
 * suggestions are blocked so errors do not leak the schema when introspection is off.
 */
export const QUERY_LIMITS = {
  maxDepth: 12,
  maxAliases: 15,
  maxTokens: 3_000,
  maxDirectives: 20,
  maxCost: 5_000,
} as const;

type LimitName = keyof typeof QUERY_LIMITS;

/**
 * armor words its refusals "Syntax Error: …" though the document parsed fine; reported through
 * the validation context instead of thrown, they become GRAPHQL_VALIDATION_FAILED (HTTP 400).
 */
function reportLimit(limit: LimitName) {
  return {
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) =>
        context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { limit } })),
    ],
  };
}

/** A parse refusal; answered by Apollo as an error response with the status in `extensions.http`. */
class TokenLimitError extends GraphQLError {
  constructor(max: number) {
    super(`The operation has more than ${max} tokens, the limit; send a smaller document.`, {
      extensions: { code: 'GRAPHQL_PARSE_FAILED', limit: 'maxTokens', http: { status: 400 } },
    });
  }
}

/** True when `source` has more than `max` tokens; a document that does not lex is left to the parser. */
export function exceedsTokens(source: string, max: number): boolean {
  const lexer = new Lexer(new Source(source));
  try {
    let count = 0;
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      if (++count > max) return true;
    }
  } catch {
    // Apollo's own parse reports the syntax error (GRAPHQL_PARSE_FAILED, HTTP 400).
  }
  return false;
}

/**
 * The token limit, counted before Apollo parses. armor's own plugin parses a second time and
 * throws from the hook, which Apollo answers with HTTP 500 (a truncated document too). A hook can
 * only refuse by throwing; Apollo hands a thrown error to `unexpectedErrorProcessingRequest`, and
 * one rethrown from there is answered as that error, with its own HTTP status.
 */
function tokenLimit(max: number): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async parsingDidStart({ source }) {
          if (source !== undefined && exceedsTokens(source, max)) throw new TokenLimitError(max);
        },
      };
    },
    async unexpectedErrorProcessingRequest({ error }) {
      if (error instanceof TokenLimitError) throw error;
    },
  };
}

/** What "Validation aborted." means, said to the client (here and at the gateway). */
export const VALIDATION_ABORTED =
  'The operation is too complex to validate: too many fields to compare for merging (graphql-js validation budget). Select fewer fields, or fewer repeats of the same field.';

/**
 * graphql-js stops validating an operation whose fields are too many to compare for merging and
 * says only "Validation aborted."; say which limit that is.
 */
const explainAbortedValidation: ApolloServerPlugin<BaseContext> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors }) {
        for (const error of errors) {
          if (error.message !== 'Validation aborted.') continue;
          error.message = VALIDATION_ABORTED;
          Object.assign(error.extensions, { limit: 'validationComplexity' });
        }
      },
    };
  },
};

/** The limits as Apollo Server plugins and validation rules (the subgraph's and the gateway's). */
export function queryLimits() {
  const armor = new ApolloArmor({
    maxDepth: { n: QUERY_LIMITS.maxDepth, ...reportLimit('maxDepth') },
    maxAliases: { n: QUERY_LIMITS.maxAliases, ...reportLimit('maxAliases') },
    maxTokens: { enabled: false },
    maxDirectives: { n: QUERY_LIMITS.maxDirectives, ...reportLimit('maxDirectives') },
    costLimit: { maxCost: QUERY_LIMITS.maxCost, ...reportLimit('maxCost') },
    blockFieldSuggestion: { enabled: true },
  }).protect();
  return {
    plugins: [tokenLimit(QUERY_LIMITS.maxTokens), explainAbortedValidation, ...armor.plugins],
    validationRules: armor.validationRules,
  };
}
