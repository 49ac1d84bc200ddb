import { GraphQLError } from 'graphql';
import type { Caller } from '../src/domain/index.js';
import { Authenticator, type AuthOptions } from '../src/graphql/auth.js';

/**
 * Who calls the gateway, and what the supergraph lets them do. Hive Gateway's generic auth
 * (`protect-granular`) reads `@authenticated`, `@requiresScopes` and `@policy` of the supergraph,
 * type-level and field-level, and asks `validateUser` about every field of an operation before
 * any subgraph is asked; this module gives it the caller and turns its verdicts into our codes.
 * - the caller is verified with the service's own verifier (jose: JWKS, issuer, audience, claims);
 *   a token that does not verify is refused outright (`UNAUTHENTICATED`, 401);
 * - a caller's scopes are their role (`@requiresScopes(scopes: [["staff"]])`);
 * - nobody holds a policy: a `@policy` field would be refused to everyone (fail closed) until a
 *   policy source is wired here — never passed through unchecked.
 */

/** A request whose token is present but does not verify. */
export const INVALID_TOKEN = 'invalid-token' as const;
export type CallerOrInvalid = Caller | null | typeof INVALID_TOKEN;

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

/** Verifies each request's token once (persisted documents and auth both ask). */
export function callerResolver(auth: AuthOptions): (request: Request) => Promise<CallerOrInvalid> {
  const authenticator = new Authenticator(auth);
  const callers = new WeakMap<Request, Promise<CallerOrInvalid>>();
  return (request) => {
    let caller = callers.get(request);
    if (!caller) {
      const authorization = request.headers.get('authorization') ?? undefined;
      caller = authenticator.callerOf({ authorization }).catch(() => INVALID_TOKEN);
      callers.set(request, caller);
    }
    return caller;
  };
}

/** The subset of generic auth's `validateUser` parameters this module reads. */
interface FieldCheck {
  user: Caller | null | undefined;
  parentType: { name: string };
  field: { name: string };
  typeAuthArgs?: unknown;
  fieldAuthArgs?: unknown;
  typeScopes?: string[][];
  fieldScopes?: string[][];
  typePolicies?: string[][];
  fieldPolicies?: string[][];
  userScopes: string[];
  userPolicies: string[];
}

function satisfies(required: string[][] | undefined, held: string[]): boolean {
  if (!required || required.length === 0) return true;
  return required.some((set) => set.every((item) => held.includes(item)));
}

/** Generic auth's verdict for one field, with our codes: UNAUTHENTICATED (401) or FORBIDDEN (403). */
export function validateCaller(check: FieldCheck): GraphQLError | undefined {
  const coordinate = `${check.parentType.name}.${check.field.name}`;
  const restricted = Boolean(check.typeAuthArgs || check.fieldAuthArgs || check.typeScopes || check.fieldScopes);
  if (!check.user && (restricted || check.typePolicies || check.fieldPolicies)) {
    return unauthenticated('Send the caller\'s token as "Authorization: Bearer <token>".');
  }
  if (!check.user) return undefined;
  const scopesMet = satisfies(check.typeScopes, check.userScopes) && satisfies(check.fieldScopes, check.userScopes);
  const policiesMet = satisfies(check.typePolicies, check.userPolicies) && satisfies(check.fieldPolicies, check.userPolicies);
  if (scopesMet && policiesMet) return undefined;
  return new GraphQLError(`${coordinate} is not open to a ${check.user.role}.`, {
    extensions: { code: 'FORBIDDEN', fields: [coordinate], http: { status: 403 } },
  });
}

/** A caller's scopes are their role, as the subgraph reads them (src/graphql/scopes.ts). */
export const scopesOfCaller = (caller: Caller | null | undefined): string[] => (caller ? [caller.role] : []);
