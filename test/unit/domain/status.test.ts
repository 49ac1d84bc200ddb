import { describe, expect, it } from 'vitest';
import {
  actionBetween,
  assertEditable,
  assertTransition,
  BrokenStatusHistoryError,
  canEditDetails,
  InvalidTransitionError,
  isTerminal,
  RESERVATION_STATUSES,
  type ReservationStatus,
  replayStatus,
  type StatusHistoryEntry,
  TRANSITION_ACTIONS,
  type TransitionAction,
} from '../../../src/domain/index.js';

const BEFORE_TRIP = { today: '2026-11-25', tripDate: '2026-12-01' };
const AFTER_TRIP = { today: '2026-12-02', tripDate: '2026-12-01' };

const ALLOWED: [ReservationStatus, TransitionAction, ReservationStatus][] = [
  ['PENDING', 'confirm', 'CONFIRMED'],
  ['CONFIRMED', 'checkIn', 'CHECKED_IN'],
  ['CHECKED_IN', 'complete', 'COMPLETED'],
  ['PENDING', 'cancel', 'CANCELLED'],
  ['CONFIRMED', 'cancel', 'CANCELLED'],
  ['CONFIRMED', 'markNoShow', 'NO_SHOW'],
  ['PENDING', 'expire', 'EXPIRED'],
];

const isAllowed = (from: ReservationStatus, action: TransitionAction) =>
  ALLOWED.some(([allowedFrom, allowedAction]) => allowedFrom === from && allowedAction === action);

const FORBIDDEN = RESERVATION_STATUSES.flatMap((from) =>
  TRANSITION_ACTIONS.filter((action) => !isAllowed(from, action)).map((action) => [from, action] as const),
);

function transitionError(move: () => unknown): InvalidTransitionError {
  try {
    move();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidTransitionError);
    return error as InvalidTransitionError;
  }
  throw new Error('expected an InvalidTransitionError, but the transition was allowed');
}

describe('the reservation lifecycle', () => {
  it.each(ALLOWED)('lets a %s reservation %s, which makes it %s', (from, action, to) => {
    expect(assertTransition(from, action, AFTER_TRIP)).toBe(to);
  });

  it.each(FORBIDDEN)('refuses to let a %s reservation %s', (from, action) => {
    const error = transitionError(() => assertTransition(from, action, AFTER_TRIP));
    expect(error.code).toBe('INVALID_TRANSITION');
    expect(error.from).toBe(from);
  });

  it('refuses to cancel a COMPLETED reservation with INVALID_TRANSITION naming both statuses', () => {
    const error = transitionError(() => assertTransition('COMPLETED', 'cancel', AFTER_TRIP));
    expect(error).toMatchObject({ code: 'INVALID_TRANSITION', from: 'COMPLETED', to: 'CANCELLED' });
    expect(error.message).toBe(
      'Cannot cancel a reservation that is COMPLETED: only PENDING or CONFIRMED reservations can be; COMPLETED is final.',
    );
  });

  it('refuses to mark a no-show before the trip date', () => {
    const error = transitionError(() => assertTransition('CONFIRMED', 'markNoShow', BEFORE_TRIP));
    expect(error.message).toContain('after its trip date (2026-12-01)');
  });

  it('refuses to mark a no-show on the trip date itself', () => {
    transitionError(() => assertTransition('CONFIRMED', 'markNoShow', { today: '2026-12-01', tripDate: '2026-12-01' }));
  });

  it('marks a no-show the day after the trip date', () => {
    expect(assertTransition('CONFIRMED', 'markNoShow', { today: '2026-12-02', tripDate: '2026-12-01' })).toBe('NO_SHOW');
  });

  it('treats COMPLETED, CANCELLED, NO_SHOW and EXPIRED as terminal and nothing else', () => {
    expect(RESERVATION_STATUSES.filter(isTerminal)).toEqual(['COMPLETED', 'CANCELLED', 'NO_SHOW', 'EXPIRED']);
  });

  it('allows no action at all from a terminal status', () => {
    for (const status of RESERVATION_STATUSES.filter(isTerminal)) {
      for (const action of TRANSITION_ACTIONS) transitionError(() => assertTransition(status, action, AFTER_TRIP));
    }
  });

  it('finds the action between two statuses, or null when there is none', () => {
    expect(actionBetween('CONFIRMED', 'CANCELLED')).toBe('cancel');
    expect(actionBetween('PENDING', 'COMPLETED')).toBeNull();
  });
});

describe('editing a reservation’s details', () => {
  it('is possible only while the reservation is PENDING or CONFIRMED', () => {
    expect(RESERVATION_STATUSES.filter(canEditDetails)).toEqual(['PENDING', 'CONFIRMED']);
  });

  it('is refused on a CANCELLED reservation with INVALID_TRANSITION saying it cannot be changed', () => {
    const error = transitionError(() => assertEditable('CANCELLED'));
    expect(error).toMatchObject({ code: 'INVALID_TRANSITION', from: 'CANCELLED', to: null });
    expect(error.message).toContain('The reservation is CANCELLED and cannot be changed');
  });
});

describe('replaying a status history', () => {
  const created: StatusHistoryEntry = { from: null, to: 'PENDING' };

  it('gives PENDING for a reservation that was only created', () => {
    expect(replayStatus([created])).toBe('PENDING');
  });

  it('gives the last status of a complete journey', () => {
    expect(
      replayStatus([
        created,
        { from: 'PENDING', to: 'CONFIRMED' },
        { from: 'CONFIRMED', to: 'CHECKED_IN' },
        { from: 'CHECKED_IN', to: 'COMPLETED' },
      ]),
    ).toBe('COMPLETED');
  });

  it('accepts a reservation created already CONFIRMED', () => {
    expect(
      replayStatus([
        { from: null, to: 'CONFIRMED' },
        { from: 'CONFIRMED', to: 'NO_SHOW' },
      ]),
    ).toBe('NO_SHOW');
  });

  it('refuses an empty history', () => {
    expect(() => replayStatus([])).toThrow(BrokenStatusHistoryError);
  });

  it('refuses a history whose first row does not come from null', () => {
    expect(() => replayStatus([{ from: 'PENDING', to: 'CONFIRMED' }])).toThrow(BrokenStatusHistoryError);
  });

  it('refuses a reservation created in any status other than PENDING or CONFIRMED', () => {
    expect(() => replayStatus([{ from: null, to: 'COMPLETED' }])).toThrow(/cannot be created COMPLETED/);
  });

  it('refuses a second row from null', () => {
    expect(() => replayStatus([created, { from: null, to: 'PENDING' }])).toThrow(/only the first row/);
  });

  it('refuses a broken chain, where a row does not start at the previous status', () => {
    expect(() => replayStatus([created, { from: 'CONFIRMED', to: 'CHECKED_IN' }])).toThrow(
      /row 1: it starts at CONFIRMED but the reservation was PENDING/,
    );
  });

  it('refuses a transition that is not in the table', () => {
    expect(() => replayStatus([created, { from: 'PENDING', to: 'COMPLETED' }])).toThrow(
      /PENDING → COMPLETED is not an allowed transition/,
    );
  });

  it('refuses any move out of a terminal status', () => {
    expect(() => replayStatus([created, { from: 'PENDING', to: 'CANCELLED' }, { from: 'CANCELLED', to: 'PENDING' }])).toThrow(
      BrokenStatusHistoryError,
    );
  });
});
