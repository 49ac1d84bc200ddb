import type { ReservationStatus } from './enums.js';
import { InvalidTransitionError } from './errors.js';

/**
 * The reservation lifecycle: the one table of allowed status changes. Everything that moves a
 * status (use cases, the payment consumer, the expiry job) and everything that checks a history
 * (replay) reads this table, so a rule changes here or nowhere.
 */

export type TransitionAction = 'confirm' | 'checkIn' | 'complete' | 'cancel' | 'markNoShow' | 'expire';

/** What a guard may look at; both dates are `YYYY-MM-DD`. */
export interface TransitionContext {
  today: string;
  tripDate: string;
}

export interface TransitionRule {
  from: readonly ReservationStatus[];
  to: ReservationStatus;
  /** How people call the action, for messages: "Cannot check in a reservation that is …". */
  verb: string;
  /** Returns why the move is refused right now, or null when it may go ahead. */
  guard?: (context: TransitionContext) => string | null;
}

export const TRANSITIONS: Readonly<Record<TransitionAction, TransitionRule>> = {
  confirm: { from: ['PENDING'], to: 'CONFIRMED', verb: 'confirm' },
  checkIn: { from: ['CONFIRMED'], to: 'CHECKED_IN', verb: 'check in' },
  complete: { from: ['CHECKED_IN'], to: 'COMPLETED', verb: 'complete' },
  cancel: { from: ['PENDING', 'CONFIRMED'], to: 'CANCELLED', verb: 'cancel' },
  markNoShow: {
    from: ['CONFIRMED'],
    to: 'NO_SHOW',
    verb: 'mark as no-show',
    // On the trip day itself the guest may still turn up.
    guard: ({ today, tripDate }) =>
      tripDate < today ? null : `A reservation can be marked as no-show only after its trip date (${tripDate}) has passed.`,
  },
  expire: { from: ['PENDING'], to: 'EXPIRED', verb: 'expire' },
};

export const TRANSITION_ACTIONS = Object.keys(TRANSITIONS) as TransitionAction[];

/** A reservation is created PENDING, or CONFIRMED when its deposit is settled at booking. */
/** Why a status changed, as a person wrote it (`status_history.reason varchar(500)`). */
export const MAX_REASON_LENGTH = 500;

export const CREATION_STATUSES: readonly ReservationStatus[] = ['PENDING', 'CONFIRMED'];

const TERMINAL: ReadonlySet<ReservationStatus> = new Set(['COMPLETED', 'CANCELLED', 'NO_SHOW', 'EXPIRED']);
const EDITABLE: ReadonlySet<ReservationStatus> = new Set(['PENDING', 'CONFIRMED']);

export function isTerminal(status: ReservationStatus): boolean {
  return TERMINAL.has(status);
}

/** Details, participants and insurance can change only before the trip has started. */
export function canEditDetails(status: ReservationStatus): boolean {
  return EDITABLE.has(status);
}

export function assertEditable(status: ReservationStatus): void {
  if (canEditDetails(status)) return;
  throw new InvalidTransitionError(
    status,
    null,
    `The reservation is ${status} and cannot be changed: only PENDING or CONFIRMED reservations accept changes.`,
  );
}

/** The action that moves `from` to `to`, or null when the table has no such edge. */
export function actionBetween(from: ReservationStatus, to: ReservationStatus): TransitionAction | null {
  return TRANSITION_ACTIONS.find((action) => TRANSITIONS[action].to === to && TRANSITIONS[action].from.includes(from)) ?? null;
}

/** The status `action` leads to from `from`; throws InvalidTransitionError when not allowed. */
export function assertTransition(
  from: ReservationStatus,
  action: TransitionAction,
  context: TransitionContext,
): ReservationStatus {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(from)) {
    const final = isTerminal(from) ? `; ${from} is final` : '';
    throw new InvalidTransitionError(
      from,
      rule.to,
      `Cannot ${rule.verb} a reservation that is ${from}: only ${rule.from.join(' or ')} reservations can be${final}.`,
    );
  }
  const refusal = rule.guard?.(context) ?? null;
  if (refusal !== null) throw new InvalidTransitionError(from, rule.to, refusal);
  return rule.to;
}

/**
 * A status history that does not replay: the stored event log contradicts the lifecycle. This is
 * corrupt data, not a client mistake, so it is not a DomainError and reaches clients masked.
 */
export class BrokenStatusHistoryError extends Error {
  constructor(
    readonly index: number,
    detail: string,
  ) {
    super(`Status history breaks at row ${index}: ${detail}`);
    this.name = 'BrokenStatusHistoryError';
  }
}

export interface StatusHistoryEntry {
  from: ReservationStatus | null;
  to: ReservationStatus;
}

/**
 * The current status as the projection of its history (oldest first): the first row creates the
 * reservation (from null), each later row starts where the previous ended and follows the table.
 * Guards are not re-run: they held at the time of the change, and dates have moved on since.
 */
export function replayStatus(history: readonly StatusHistoryEntry[]): ReservationStatus {
  let current: ReservationStatus | null = null;
  for (const [index, entry] of history.entries()) {
    if (current === null) {
      if (entry.from !== null) throw new BrokenStatusHistoryError(index, `the first row must come from null, not ${entry.from}`);
      if (!CREATION_STATUSES.includes(entry.to)) {
        throw new BrokenStatusHistoryError(index, `a reservation cannot be created ${entry.to}`);
      }
    } else if (entry.from === null) {
      throw new BrokenStatusHistoryError(index, 'only the first row may come from null');
    } else if (entry.from !== current) {
      throw new BrokenStatusHistoryError(index, `it starts at ${entry.from} but the reservation was ${current}`);
    } else if (actionBetween(entry.from, entry.to) === null) {
      throw new BrokenStatusHistoryError(index, `${entry.from} → ${entry.to} is not an allowed transition`);
    }
    current = entry.to;
  }
  if (current === null) throw new BrokenStatusHistoryError(0, 'the history is empty');
  return current;
}
