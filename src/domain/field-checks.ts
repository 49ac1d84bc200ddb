import { isIsoDate } from './calendar.js';
import { BadUserInputError, type FieldProblem } from './errors.js';
import { parseUuid } from './ids.js';

/**
 * The checks that input fields share, and the collector that gathers every problem of one input
 * before anything is refused: a client fixes a form in one round trip, not one field at a time.
 * A check records its problem and returns a placeholder; the validator throws before any
 * placeholder can escape.
 *
 * Lengths are counted in Unicode code points because PostgreSQL's varchar(n) counts characters,
 * not UTF-16 units: a 200-emoji name fits the column even though its JS length is 400.
 */

export class InputProblems {
  private readonly problems: FieldProblem[] = [];

  add(field: string, message: string): void {
    this.problems.push({ field, message });
  }

  get count(): number {
    return this.problems.length;
  }

  throwIfAny(): void {
    if (this.problems.length > 0) throw new BadUserInputError([...this.problems]);
  }
}

/** `fieldPath('input', 'participants', 2, 'fullName')` → `input.participants.2.fullName`; empty parts drop out. */
export function fieldPath(...parts: (string | number)[]): string {
  return parts.filter((part) => part !== '').join('.');
}

/** Given in the input at all: GraphQL leaves out an omitted optional field, and null means "clear it". */
export const isGiven = <T>(value: T | undefined): value is T => value !== undefined;

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const CONTROL = /\p{Cc}/u;
/** Control characters other than tab, line feed and carriage return (which free text may hold). */
const CONTROL_EXCEPT_LINE_BREAKS = /[^\P{Cc}\t\n\r]/u;
/** A surrogate half without its partner cannot be stored as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const codePoints = (value: string): number => [...value].length;

export interface TextRule {
  max: number;
  /** Free text (notes, reasons) may hold line breaks and tabs; names, codes and ids may not. */
  multiline?: boolean;
  /** Blank means "none" here (an optional text left empty, or cleared); anywhere else blank is refused. */
  blankMeansNone?: boolean;
}

/**
 * The one check of a client's text, whatever operation it came with: trimmed, then at most `max`
 * characters, no control characters (line breaks and tabs only in multiline text), no unpaired
 * surrogate, and not blank unless blank means "none" for the field. Any other character — quotes,
 * semicolons, SQL keywords, combining marks, emoji — is just text; statements are parameterized.
 * Returns the trimmed text.
 */
export function checkedText(problems: InputProblems, field: string, value: string, rule: TextRule): string {
  const text = value.trim();
  if (text === '') {
    if (!rule.blankMeansNone) problems.add(field, value === '' ? 'must not be empty' : 'must not be blank');
    return text;
  }
  const length = codePoints(text);
  if (length > rule.max) problems.add(field, `must be at most ${rule.max} characters (it has ${length})`);
  if ((rule.multiline ? CONTROL_EXCEPT_LINE_BREAKS : CONTROL).test(text)) {
    problems.add(
      field,
      rule.multiline
        ? 'must not contain control characters other than line breaks and tabs'
        : 'must not contain control characters or line breaks',
    );
  }
  if (LONE_SURROGATE.test(text)) problems.add(field, 'contains an invalid character (an unpaired surrogate)');
  return text;
}

/** A required single-line text (a name): as `checkedText`, and never blank. */
export function requiredText(problems: InputProblems, field: string, value: unknown, rule: TextRule): string {
  if (typeof value === 'string') return checkedText(problems, field, value, { ...rule, blankMeansNone: false });
  problems.add(field, 'is required');
  return '';
}

/** An optional text: absent, null or blank become null; otherwise as `checkedText`. */
export function optionalText(problems: InputProblems, field: string, value: unknown, rule: TextRule): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') {
    problems.add(field, 'must be text');
    return null;
  }
  const text = checkedText(problems, field, value, { ...rule, blankMeansNone: true });
  return text === '' ? null : text;
}

/** A required id; returned in lower case so it compares equal to what PostgreSQL returns. */
export function requiredUuid(problems: InputProblems, field: string, value: unknown): string {
  const id = typeof value === 'string' ? parseUuid(value.trim()) : null;
  if (id === null) problems.add(field, typeof value === 'string' ? 'must be a UUID' : 'is required');
  return id ?? '';
}

export function optionalUuid(problems: InputProblems, field: string, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return requiredUuid(problems, field, value) || null;
}

/** A calendar date `YYYY-MM-DD`, or null after recording why not. */
export function isoDate(problems: InputProblems, field: string, value: unknown): string | null {
  if (typeof value !== 'string') {
    problems.add(field, 'is required');
    return null;
  }
  const date = value.trim();
  if (!isIsoDate(date)) {
    problems.add(field, 'must be a calendar date written YYYY-MM-DD');
    return null;
  }
  return date;
}

export const MAX_EMAIL_LENGTH = 254;
export const MAX_PHONE_LENGTH = 32;

// A sane shape, not RFC 5322: something@domain.tld, no spaces, no characters that break headers.
const EMAIL_LOCAL = /^[^\s@"(),:;<>[\\\]]{1,64}$/u;
const EMAIL_DOMAIN = /^(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})$/u;

/** An e-mail address, trimmed, with its domain in lower case (domains are case-insensitive). */
export function email(problems: InputProblems, field: string, value: unknown): string {
  const before = problems.count;
  const text = requiredText(problems, field, value, { max: MAX_EMAIL_LENGTH });
  if (problems.count > before) return text;
  const at = text.lastIndexOf('@');
  const local = text.slice(0, at);
  const domain = text.slice(at + 1).toLowerCase();
  const wellFormed =
    at > 0 &&
    EMAIL_LOCAL.test(local) &&
    !local.startsWith('.') &&
    !local.endsWith('.') &&
    !local.includes('..') &&
    EMAIL_DOMAIN.test(domain);
  if (!wellFormed) problems.add(field, 'must be an e-mail address such as name@example.com');
  return wellFormed ? `${local}@${domain}` : text;
}

export function optionalEmail(problems: InputProblems, field: string, value: unknown): string | null {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return null;
  return email(problems, field, value);
}

/**
 * A phone number in international form, E.164-like: `+`, country code, 6–15 digits in all.
 * Spaces, dots, hyphens and parentheses people type are dropped; what is kept is `+` and digits,
 * which the notification service can dial.
 */
export function optionalPhone(problems: InputProblems, field: string, value: unknown): string | null {
  const before = problems.count;
  const text = optionalText(problems, field, value, { max: MAX_PHONE_LENGTH });
  if (text === null || problems.count > before) return text;
  const dialable = text.replace(/[\s.()-]/g, '');
  if (!/^\+[1-9]\d{5,14}$/.test(dialable)) {
    problems.add(field, 'must be a phone number in international form, such as +41 44 668 18 00');
    return text;
  }
  return dialable;
}
