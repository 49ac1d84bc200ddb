import { describe, expect, it } from 'vitest';
import {
  BadUserInputError,
  DependencyFailedError,
  type DomainError,
  ERROR_CODES,
  ForbiddenError,
  GuestInvalidError,
  IdempotencyKeyReusedError,
  InvalidTransitionError,
  NotFoundError,
  PaymentDeclinedError,
  StaleRevisionError,
  UnauthenticatedError,
  UnavailableError,
} from '../../../src/domain/index.js';

const oneOfEach: DomainError[] = [
  new NotFoundError('Reservation', '0190a6e2-7c3b-7d4e-8f10-1234567890ab'),
  new StaleRevisionError(4),
  new InvalidTransitionError('COMPLETED', 'CANCELLED'),
  new BadUserInputError([{ field: 'participants.2.fullName', message: 'must not be empty' }]),
  new UnavailableError(),
  new GuestInvalidError('guestId'),
  new PaymentDeclinedError(),
  new IdempotencyKeyReusedError(),
  new ForbiddenError(),
  new UnauthenticatedError(),
  new DependencyFailedError('trip catalog', { cause: new Error('connect ECONNREFUSED 10.0.0.7:5432') }),
];

describe('domain errors', () => {
  it('cover every stable code, one class each', () => {
    expect(oneOfEach.map((error) => error.code)).toEqual([...ERROR_CODES]);
  });

  it('are Errors named after their class', () => {
    for (const error of oneOfEach) {
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe(error.constructor.name);
    }
  });

  it('say what happened without a stack, SQL or a driver’s message', () => {
    for (const error of oneOfEach) {
      expect(error.message).not.toMatch(/\n\s+at |SELECT|INSERT|UPDATE|ECONNREFUSED|prisma/i);
      expect(error.message.length).toBeGreaterThan(10);
    }
  });

  it('carry the current revision on a stale revision', () => {
    expect(new StaleRevisionError(7)).toMatchObject({ code: 'STALE_REVISION', currentRev: 7 });
  });

  it('carry both statuses on an invalid transition', () => {
    expect(new InvalidTransitionError('COMPLETED', 'CANCELLED')).toMatchObject({ from: 'COMPLETED', to: 'CANCELLED' });
  });

  it('carry every field problem and summarize them in the message', () => {
    const error = new BadUserInputError([
      { field: 'participants.2.fullName', message: 'must not be empty' },
      { field: 'tripDate', message: 'must not be in the past' },
    ]);
    expect(error.fields).toHaveLength(2);
    expect(error.message).toBe('Invalid input: participants.2.fullName must not be empty (and 1 more problem).');
  });

  it('cut long client text short when they echo it', () => {
    expect(new NotFoundError('Reservation', 'x'.repeat(10_000)).message.length).toBeLessThan(100);
  });

  it('keep the cause of a failed dependency for the logs, out of the message', () => {
    const cause = new Error('socket hang up');
    const error = new DependencyFailedError('guest profiles', { cause });
    expect(error.cause).toBe(cause);
    expect(error.message).toBe(
      'The guest profiles service did not answer in time or failed; nothing was changed. Try again later.',
    );
  });
});
