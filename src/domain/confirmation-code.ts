import { isIsoDate } from './calendar.js';
import { type RandomBytes, randomBytesFrom } from './ids.js';

/**
 * Confirmation codes: `YYMMDD-XXXXXX`, the booking's UTC date (its reservation_date) then six
 * Crockford base32 symbols. The date part lets a lookup by code name its partition; the random
 * part gives 32^6 ≈ 1.07 billion codes a day, so a collision within a day (the unique index is
 * per booking date) is rare and the caller simply draws again.
 */

/** Crockford's base32: digits and letters without I, L, O and U. */
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RANDOM_SYMBOLS = 6;

/** What a person may type for each symbol, per Crockford: any case, O for 0, I and L for 1. */
const TYPED_SYMBOLS: Readonly<Record<string, string>> = { O: '0', I: '1', L: '1' };

/** A code for a booking made on `reservationDate` (`YYYY-MM-DD`, years 2000–2099). */
export function confirmationCode(reservationDate: string, random: RandomBytes): string {
  if (!isIsoDate(reservationDate) || !reservationDate.startsWith('20')) {
    throw new RangeError(`a reservation date in 2000–2099 written YYYY-MM-DD is needed, got ${JSON.stringify(reservationDate)}`);
  }
  const bytes = randomBytesFrom(random, RANDOM_SYMBOLS);
  let symbols = '';
  // 256 is a multiple of 32, so the low five bits of a uniform byte are uniform.
  for (const byte of bytes.subarray(0, RANDOM_SYMBOLS)) symbols += CROCKFORD_ALPHABET.charAt(byte & 0x1f);
  const [year, month, day] = reservationDate.split('-');
  return `${year?.slice(2)}${month}${day}-${symbols}`;
}

export interface ParsedConfirmationCode {
  /** The canonical form, as stored: `YYMMDD-XXXXXX` in upper case. */
  code: string;
  /** The booking date the code names (`YYYY-MM-DD`). */
  reservationDate: string;
}

/**
 * Reads a code as a customer may type it — lower case, O for 0, I or L for 1, spaces or hyphens
 * anywhere — into its canonical form and booking date; null when it cannot be one of ours.
 */
export function parseConfirmationCode(input: string): ParsedConfirmationCode | null {
  if (input.length > 32) return null;
  const compact = input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/[OIL]/g, (typed) => TYPED_SYMBOLS[typed] ?? typed);
  if (!/^\d{6}[0-9A-HJKMNP-TV-Z]{6}$/.test(compact)) return null;
  const reservationDate = `20${compact.slice(0, 2)}-${compact.slice(2, 4)}-${compact.slice(4, 6)}`;
  if (!isIsoDate(reservationDate)) return null;
  return { code: `${compact.slice(0, 6)}-${compact.slice(6)}`, reservationDate };
}
