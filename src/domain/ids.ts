import { utcDateOfMs } from './calendar.js';

/**
 * Identifiers. Reservation (and participant) ids are UUIDv7 (RFC 9562): the first 48 bits are the
 * creation time in Unix milliseconds, so the booking date — the partition key — follows from the
 * id alone. `reservationDateOfId` must agree with the SQL function `reservations.uuid_v7_date`,
 * which a CHECK constraint enforces on every row.
 */

/** The injected source of randomness: `n` uniformly random bytes (crypto.randomBytes in production). */
export type RandomBytes = (n: number) => Uint8Array;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_TIMESTAMP_MS = 2 ** 48 - 1;
/** Two lower-case hex digits per byte value: a booking makes ~6 ids (0.7% of the machine in perf). */
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** The canonical textual form (8-4-4-4-12 hex digits, either case). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** The UUID in lower case, as PostgreSQL prints it, or null; compare ids only in this form. */
export function parseUuid(value: string): string | null {
  return isUuid(value) ? value.toLowerCase() : null;
}

/** `n` bytes from the injected source, refusing a source that returns fewer. */
export function randomBytesFrom(random: RandomBytes, n: number): Uint8Array {
  const bytes = random(n);
  if (bytes.length < n) throw new RangeError(`the random source returned ${bytes.length} bytes, ${n} were asked for`);
  return bytes;
}

/**
 * A UUIDv7 for the instant `nowMs`: 48-bit big-endian timestamp, version 7, 12 random bits,
 * variant 0b10, 62 random bits. Ids made in the same millisecond are ordered at random, which is
 * all the partitioning needs.
 */
export function uuidV7(nowMs: number, random: RandomBytes): string {
  if (!Number.isInteger(nowMs) || nowMs < 0 || nowMs > MAX_TIMESTAMP_MS) {
    throw new RangeError(`a UUIDv7 timestamp is a whole number of milliseconds in 0..2^48-1, got ${nowMs}`);
  }
  const rand = randomBytesFrom(random, 10);
  const bytes = new Uint8Array(16);
  let rest = nowMs;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  bytes.set(rand.subarray(0, 10), 6);
  bytes[6] = 0x70 | ((rand[0] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((rand[2] ?? 0) & 0x3f);
  let text = '';
  for (let i = 0; i < 16; i++) {
    text += HEX[bytes[i] ?? 0];
    if (i === 3 || i === 5 || i === 7 || i === 9) text += '-';
  }
  return text;
}

/** The Unix-millisecond timestamp of a UUIDv7, or null when `id` is not a UUIDv7. */
export function timestampOfUuidV7(id: string): number | null {
  if (!isUuid(id)) return null;
  const version = id.charAt(14);
  const variant = Number.parseInt(id.charAt(19), 16);
  // Version 7 and the RFC variant (0b10xx): every id this service makes has both.
  if (version !== '7' || (variant & 0b1100) !== 0b1000) return null;
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

/**
 * The booking date (UTC `YYYY-MM-DD`) of a reservation id: the date of its timestamp, as
 * `uuid_v7_date` computes it in SQL. Null when `id` is not a UUIDv7 — no reservation has it.
 */
export function reservationDateOfId(id: string): string | null {
  const ms = timestampOfUuidV7(id);
  return ms === null ? null : utcDateOfMs(ms);
}
