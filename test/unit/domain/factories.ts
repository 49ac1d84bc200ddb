import { expect } from 'vitest';
import {
  BadUserInputError,
  type CreateReservationInput,
  type FieldProblem,
  type ParticipantInput,
  type RandomBytes,
} from '../../../src/domain/index.js';

/** Small builders for domain inputs: a valid default, overridden by what a test is about. */

export const TODAY = '2026-11-25';
export const GUEST_ID = '0190a6e2-7c3b-7d4e-8f10-1234567890ab';
export const TRIP_ID = '0190a6e2-7c3b-7d4e-9f10-abcdefabcdef';
export const OTHER_GUEST_ID = '0190a6e2-7c3b-7d4e-af10-0000000000aa';

export function aParticipant(overrides: Partial<ParticipantInput> = {}): ParticipantInput {
  return { fullName: 'Ada Lovelace', ageCategory: 'ADULT', ...overrides };
}

export function aCreateInput(overrides: Partial<CreateReservationInput> = {}): CreateReservationInput {
  return {
    guestId: GUEST_ID,
    tripId: TRIP_ID,
    tripDate: '2027-03-14',
    contact: { email: 'ada@example.com', phone: '+41 44 668 18 00' },
    participants: [aParticipant()],
    ...overrides,
  };
}

export function participants(count: number): ParticipantInput[] {
  return Array.from({ length: count }, (_, index) => aParticipant({ fullName: `Participant ${index + 1}` }));
}

/** A random source that repeats the given bytes, so ids and codes are predictable. */
export function repeatingRandom(...pattern: number[]): RandomBytes {
  return (n) => Uint8Array.from({ length: n }, (_, index) => pattern[index % pattern.length] ?? 0);
}

/** A deterministic pseudo-random source (xorshift32), for property-like loops. */
export function seededRandom(seed: number): RandomBytes {
  let state = seed >>> 0 || 1;
  return (n) =>
    Uint8Array.from({ length: n }, () => {
      state ^= state << 13;
      state >>>= 0;
      state ^= state >>> 17;
      state ^= state << 5;
      state >>>= 0;
      return state & 0xff;
    });
}

/** The problems a validation reports, failing the test when it throws anything else or nothing. */
export function problemsOf(validate: () => unknown): FieldProblem[] {
  try {
    validate();
  } catch (error) {
    expect(error).toBeInstanceOf(BadUserInputError);
    return [...(error as BadUserInputError).fields];
  }
  throw new Error('expected a BadUserInputError, but the input was accepted');
}

/** The field paths of the problems a validation reports. */
export function fieldsOf(validate: () => unknown): string[] {
  return problemsOf(validate).map((problem) => problem.field);
}
