import type { ReservationStatus } from './enums.js';

/**
 * The errors of the reservation domain. Each carries a stable `code` that clients switch on
 * (GraphQL `extensions.code`); messages are written for people and never contain a stack, SQL
 * or a driver's words, because the API layer passes them through unchanged.
 */

export const ERROR_CODES = [
  'NOT_FOUND',
  'STALE_REVISION',
  'INVALID_TRANSITION',
  'BAD_USER_INPUT',
  'UNAVAILABLE',
  'GUEST_INVALID',
  'PAYMENT_DECLINED',
  'IDEMPOTENCY_KEY_REUSED',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'DEPENDENCY_FAILED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** One problem of an input, `field` being a path such as `participants.2.fullName`. */
export interface FieldProblem {
  field: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  /** Facts a client can act on (e.g. the id of the reservation a failed payment belongs to). */
  details: Record<string, string | number> = {};

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Client-supplied text echoed in a message is cut short, so a message stays a message. */
function quoted(value: string): string {
  const shown = value.length > 64 ? `${value.slice(0, 64)}…` : value;
  return JSON.stringify(shown);
}

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';

  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity} ${quoted(id)} was not found.`);
  }
}

export class StaleRevisionError extends DomainError {
  readonly code = 'STALE_REVISION';

  constructor(readonly currentRev: number) {
    super(`The reservation has changed since you read it: its revision is now ${currentRev}. Reload it and try again.`);
  }
}

/**
 * A status change the lifecycle does not allow, or a change of details in a status that no
 * longer accepts them (then `to` is null: the status would not move).
 */
export class InvalidTransitionError extends DomainError {
  readonly code = 'INVALID_TRANSITION';

  constructor(
    readonly from: ReservationStatus,
    readonly to: ReservationStatus | null,
    message: string = to ? `A reservation cannot go from ${from} to ${to}.` : `The reservation is ${from} and cannot be changed.`,
  ) {
    super(message);
  }
}

export class BadUserInputError extends DomainError {
  readonly code = 'BAD_USER_INPUT';
  readonly fields: readonly FieldProblem[];

  constructor(fields: readonly FieldProblem[]) {
    super(BadUserInputError.summary(fields));
    this.fields = fields;
  }

  private static summary(fields: readonly FieldProblem[]): string {
    const [first] = fields;
    if (!first) return 'The input is invalid.';
    const more = fields.length - 1;
    const tail = more === 0 ? '' : ` (and ${more} more problem${more === 1 ? '' : 's'})`;
    return `Invalid input: ${first.field} ${first.message}${tail}.`;
  }
}

/** The trip has no room for the party on that date. */
export class UnavailableError extends DomainError {
  readonly code = 'UNAVAILABLE';

  constructor(message = 'The trip has no room left for this party on that date.') {
    super(message);
  }
}

/** Guest profiles does not know the guest (or a participant's guest id); `field` names which. */
export class GuestInvalidError extends DomainError {
  readonly code = 'GUEST_INVALID';

  constructor(
    readonly field: string,
    message = 'The guest is unknown or cannot book.',
  ) {
    super(message);
  }
}

export class PaymentDeclinedError extends DomainError {
  readonly code = 'PAYMENT_DECLINED';

  constructor(message = 'The deposit payment was declined.') {
    super(message);
  }
}

export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';

  constructor(message = 'This idempotency key was already used for a different request.') {
    super(message);
  }
}

export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';

  constructor(message = 'You are not allowed to do this.') {
    super(message);
  }
}

export class UnauthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED';

  constructor(message = 'Sign in first: this request carries no valid identity.') {
    super(message);
  }
}

/**
 * A downstream service timed out, failed or is behind an open breaker. The underlying error goes
 * into `cause` for the logs only; the message names the dependency and nothing of its answer.
 */
export class DependencyFailedError extends DomainError {
  readonly code = 'DEPENDENCY_FAILED';

  constructor(
    readonly dependency: string,
    options?: { cause?: unknown; message?: string },
  ) {
    super(
      options?.message ?? `The ${dependency} service did not answer in time or failed; nothing was changed. Try again later.`,
      options,
    );
  }
}
