/**
 * Calendar dates as the domain uses them: `YYYY-MM-DD` strings without time zone. Written in this
 * form they compare correctly as strings, so the rules compare them directly; the clock never
 * enters the domain — callers pass `today`.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/**
 * True for a real calendar date written `YYYY-MM-DD` (rejects 2026-02-30), from 0001-01-01: the
 * proleptic Gregorian calendar of PostgreSQL has no year 0.
 */
export function isIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [, year, month, day] = match.map(Number);
  if (year === undefined || month === undefined || day === undefined || year < 1) return false;
  const date = new Date(utcMs(year, month, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** The UTC calendar date of an instant, `YYYY-MM-DD`. */
export function isoDateOf(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/** `today` comes from the caller's clock; a malformed one is a programming error, not bad input. */
export function assertToday(today: string): void {
  if (!isIsoDate(today)) throw new RangeError(`today must be a date written YYYY-MM-DD, got ${JSON.stringify(today)}`);
}

/** The same calendar day `years` later; 29 February becomes 28 February in a common year. */
export function addYears(isoDate: string, years: number): string {
  const [year, month, day] = isoDate.split('-').map(Number);
  if (year === undefined || month === undefined || day === undefined) throw new RangeError(`not a date: ${isoDate}`);
  const target = year + years;
  const lastDay = new Date(utcMs(target, month + 1, 0)).getUTCDate();
  return formatUtcDate(utcMs(target, month, Math.min(day, lastDay)));
}

/**
 * The UTC calendar date of an instant given in Unix milliseconds, or null past year 9999 (no
 * booking is made then, and the four-digit form would not hold).
 */
export function utcDateOfMs(ms: number): string | null {
  const dayStart = Math.floor(ms / MS_PER_DAY) * MS_PER_DAY;
  if (!Number.isFinite(dayStart) || dayStart < 0 || dayStart >= Date.UTC(10_000, 0, 1)) return null;
  return formatUtcDate(dayStart);
}

/** Date.UTC reads years 0–99 as 1900–1999; setUTCFullYear does not. Month is 1-based. */
function utcMs(year: number, month: number, day: number): number {
  return new Date(0).setUTCFullYear(year, month - 1, day);
}

function formatUtcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
