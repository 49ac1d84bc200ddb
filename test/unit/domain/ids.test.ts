import { describe, expect, it } from 'vitest';
import { isUuid, parseUuid, reservationDateOfId, timestampOfUuidV7, uuidV7 } from '../../../src/domain/index.js';
import { repeatingRandom, seededRandom } from './factories.js';

// RFC 9562, appendix A.6: the example UUIDv7 and the bytes that make it.
const RFC_EXAMPLE = '017f22e2-79b0-7cc3-98c4-dc0c0c07398f';
const RFC_EXAMPLE_MS = 0x017f22e279b0;
const RFC_EXAMPLE_RANDOM = repeatingRandom(0x0c, 0xc3, 0x98, 0xc4, 0xdc, 0x0c, 0x0c, 0x07, 0x39, 0x8f);

const MIDNIGHT = Date.UTC(2026, 10, 25); // 2026-11-25T00:00:00.000Z

describe('UUIDs', () => {
  it('accepts the canonical 8-4-4-4-12 form in either case', () => {
    expect(isUuid('0190a6e2-7c3b-7d4e-8f10-1234567890ab')).toBe(true);
    expect(isUuid('0190A6E2-7C3B-7D4E-8F10-1234567890AB')).toBe(true);
  });

  it.each([
    ['an empty string', ''],
    ['a word', 'reservation-1'],
    ['a UUID without hyphens', '0190a6e27c3b7d4e8f101234567890ab'],
    ['a UUID in braces', '{0190a6e2-7c3b-7d4e-8f10-1234567890ab}'],
    ['a UUID one digit short', '0190a6e2-7c3b-7d4e-8f10-1234567890a'],
    ['a UUID with a non-hex digit', '0190a6e2-7c3b-7d4e-8f10-1234567890ag'],
    ['a UUID with surrounding spaces', ' 0190a6e2-7c3b-7d4e-8f10-1234567890ab '],
    ['SQL text', "'; DROP TABLE reservations;--"],
  ])('rejects %s', (_, value) => {
    expect(isUuid(value)).toBe(false);
  });

  it('normalizes a UUID to lower case, as PostgreSQL prints it', () => {
    expect(parseUuid('0190A6E2-7C3B-7D4E-8F10-1234567890AB')).toBe('0190a6e2-7c3b-7d4e-8f10-1234567890ab');
    expect(parseUuid('nope')).toBeNull();
  });
});

describe('UUIDv7', () => {
  it('reproduces the example of RFC 9562 from its timestamp and random bits', () => {
    expect(uuidV7(RFC_EXAMPLE_MS, RFC_EXAMPLE_RANDOM)).toBe(RFC_EXAMPLE);
  });

  it('puts the millisecond timestamp big-endian in the first 48 bits', () => {
    const id = uuidV7(MIDNIGHT, repeatingRandom(0));
    expect(id.replace(/-/g, '').slice(0, 12)).toBe(MIDNIGHT.toString(16).padStart(12, '0'));
  });

  it('sets version 7 and variant 0b10 whatever the random bytes are', () => {
    for (const random of [repeatingRandom(0x00), repeatingRandom(0xff), seededRandom(42)]) {
      const id = uuidV7(MIDNIGHT, random);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('uses the random source for the remaining 74 bits', () => {
    expect(uuidV7(0, repeatingRandom(0xff))).toBe('00000000-0000-7fff-bfff-ffffffffffff');
    expect(uuidV7(0, repeatingRandom(0x00))).toBe('00000000-0000-7000-8000-000000000000');
  });

  it('gives different ids in the same millisecond when the random bytes differ', () => {
    const random = seededRandom(7);
    const ids = new Set(Array.from({ length: 1000 }, () => uuidV7(MIDNIGHT, random)));
    expect(ids.size).toBe(1000);
  });

  it('refuses a timestamp that is negative, fractional or beyond 48 bits', () => {
    for (const ms of [-1, 1.5, 2 ** 48, Number.NaN]) expect(() => uuidV7(ms, repeatingRandom(0))).toThrow(RangeError);
  });

  it('refuses a random source that returns too few bytes', () => {
    expect(() => uuidV7(MIDNIGHT, () => new Uint8Array(3))).toThrow(RangeError);
  });

  it('reads the timestamp back from an id', () => {
    expect(timestampOfUuidV7(RFC_EXAMPLE)).toBe(RFC_EXAMPLE_MS);
  });
});

describe('the reservation date of an id', () => {
  it('is the UTC date of the RFC example (2022-02-22 19:22:22 UTC)', () => {
    expect(reservationDateOfId(RFC_EXAMPLE)).toBe('2022-02-22');
  });

  it('is the previous day for an id made one millisecond before UTC midnight', () => {
    expect(reservationDateOfId(uuidV7(MIDNIGHT - 1, seededRandom(1)))).toBe('2026-11-24');
  });

  it('is the new day for an id made exactly at UTC midnight', () => {
    expect(reservationDateOfId(uuidV7(MIDNIGHT, seededRandom(1)))).toBe('2026-11-25');
  });

  it('does not depend on upper or lower case', () => {
    expect(reservationDateOfId(RFC_EXAMPLE.toUpperCase())).toBe('2022-02-22');
  });

  it('is null for a string that is not a UUID', () => {
    expect(reservationDateOfId('261125-K7Q2XD')).toBeNull();
  });

  it('is null for a UUID of another version', () => {
    expect(reservationDateOfId('3d813cbb-47fb-42ba-91df-831e1593ac29')).toBeNull();
  });

  it('is null for a version-7 looking UUID without the RFC variant', () => {
    expect(reservationDateOfId('017f22e2-79b0-7cc3-c8c4-dc0c0c07398f')).toBeNull();
  });

  it('is null past the year 9999, which no booking can have', () => {
    expect(reservationDateOfId('ffffffff-ffff-7fff-bfff-ffffffffffff')).toBeNull();
  });
});
