import { describe, expect, it } from 'vitest';
import { CROCKFORD_ALPHABET, confirmationCode, parseConfirmationCode } from '../../../src/domain/index.js';
import { repeatingRandom, seededRandom } from './factories.js';

describe('confirmation codes', () => {
  it('start with the booking date as YYMMDD, then six Crockford base32 symbols', () => {
    expect(confirmationCode('2026-11-25', repeatingRandom(0, 1, 10, 17, 31, 32))).toBe('261125-01AHZ0');
  });

  it('fit the 16-character column', () => {
    expect(confirmationCode('2026-11-25', seededRandom(3)).length).toBeLessThanOrEqual(16);
  });

  it('never contain I, L, O or U', () => {
    const random = seededRandom(11);
    for (let i = 0; i < 500; i++) expect(confirmationCode('2026-11-25', random)).not.toMatch(/[ILOU]/);
    expect(CROCKFORD_ALPHABET).toHaveLength(32);
  });

  it('refuse a booking date that is not a date of 2000–2099', () => {
    for (const date of ['2026-02-30', '1999-12-31', '26-11-25'])
      expect(() => confirmationCode(date, seededRandom(1))).toThrow(RangeError);
  });

  it('survive a round trip: the parsed code and booking date are what was made', () => {
    const random = seededRandom(5);
    for (const date of ['2026-11-25', '2000-01-01', '2099-12-31', '2028-02-29']) {
      const code = confirmationCode(date, random);
      expect(parseConfirmationCode(code)).toEqual({ code, reservationDate: date });
    }
  });

  it('are read in lower case', () => {
    expect(parseConfirmationCode('261125-k7q2xd')).toEqual({ code: '261125-K7Q2XD', reservationDate: '2026-11-25' });
  });

  it('are read with O typed for 0 and I or L typed for 1, as Crockford specifies', () => {
    expect(parseConfirmationCode('261125-OILoil')).toEqual({ code: '261125-011011', reservationDate: '2026-11-25' });
    expect(parseConfirmationCode('26ll25-K7Q2XD')?.reservationDate).toBe('2026-11-25');
  });

  it('are read without the hyphen or with spaces around', () => {
    expect(parseConfirmationCode(' 261125K7Q2XD ')?.code).toBe('261125-K7Q2XD');
  });

  it.each([
    ['U, which Crockford leaves out', '261125-K7Q2XU'],
    ['too few symbols', '261125-K7Q2X'],
    ['too many symbols', '261125-K7Q2XDD'],
    ['a date that does not exist', '261340-K7Q2XD'],
    ['punctuation', '261125-K7Q2X!'],
    ['an id instead of a code', '017f22e2-79b0-7cc3-98c4-dc0c0c07398f'],
    ['nothing', ''],
  ])('are not read from a string with %s', (_, input) => {
    expect(parseConfirmationCode(input)).toBeNull();
  });
});
