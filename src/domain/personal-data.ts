import type { Caller } from './access.js';
import { addYears, assertToday } from './calendar.js';
import type { AgeCategory } from './enums.js';
import { ForbiddenError } from './errors.js';
import { InputProblems, requiredText, requiredUuid } from './field-checks.js';

/**
 * Personal data (SPEC §7a): names, dates of birth, e-mail, phone, notes and free-text reasons.
 * Erasure keeps ids, dates, statuses, amounts and history transitions; a required text that is
 * erased reads as ERASED_MARKER (GraphQL non-null fields and NOT NULL columns keep working), an
 * optional one becomes null.
 */
export const ERASED_MARKER = 'erased';

export const MAX_ERASURE_REASON_LENGTH = 500;

/** Age limits at the trip date (a participant's age must stay known once the date of birth goes). */
const AGE_LIMITS: readonly [number, AgeCategory][] = [
  [2, 'INFANT'],
  [12, 'CHILD'],
  [18, 'YOUTH'],
];

/** The age category of someone born on `dateOfBirth`, on `onDate` (both `YYYY-MM-DD`). */
export function ageCategoryOn(dateOfBirth: string, onDate: string): AgeCategory {
  for (const [years, category] of AGE_LIMITS) if (addYears(dateOfBirth, years) > onDate) return category;
  return 'ADULT';
}

export interface PersonalParticipant {
  fullName: string;
  dateOfBirth: string | null;
  ageCategory: AgeCategory | null;
  email: string | null;
  phone: string | null;
}

export interface PersonalReservation {
  contactEmail: string;
  contactPhone: string | null;
  notes: string | null;
}

/** The participant without personal data, and how many fields that clears (0: already erased). */
export function eraseParticipant(
  participant: PersonalParticipant,
  tripDate: string,
): { erased: PersonalParticipant; fieldsCleared: number } {
  const erased: PersonalParticipant = {
    fullName: ERASED_MARKER,
    dateOfBirth: null,
    // The age category stays: trips have age rules, and it is not the date of birth.
    ageCategory: participant.ageCategory ?? (participant.dateOfBirth ? ageCategoryOn(participant.dateOfBirth, tripDate) : null),
    email: null,
    phone: null,
  };
  const fieldsCleared =
    Number(participant.fullName !== ERASED_MARKER) +
    Number(participant.dateOfBirth !== null) +
    Number(participant.email !== null) +
    Number(participant.phone !== null);
  return { erased, fieldsCleared };
}

/** The booking's own personal fields erased, and how many that clears. */
export function eraseReservation(reservation: PersonalReservation): { erased: PersonalReservation; fieldsCleared: number } {
  const fieldsCleared =
    Number(reservation.contactEmail !== ERASED_MARKER) +
    Number(reservation.contactPhone !== null) +
    Number(reservation.notes !== null);
  return { erased: { contactEmail: ERASED_MARKER, contactPhone: null, notes: null }, fieldsCleared };
}

/** The trip date on or before which a reservation's personal data is past its retention. */
export function retentionCutoff(today: string, months: number): string {
  assertToday(today);
  const [year, month, day] = today.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(year, month - 1 - months, 1));
  const lastDay = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(day, lastDay));
  return first.toISOString().slice(0, 10);
}

/** The validated arguments of an erasure request: a guest id, and a reason for the record. */
export function validateErasureRequest(input: { guestId: unknown; reason: unknown }): { guestId: string; reason: string } {
  const problems = new InputProblems();
  const guestId = requiredUuid(problems, 'guestId', input.guestId);
  const reason = requiredText(problems, 'reason', input.reason, { max: MAX_ERASURE_REASON_LENGTH });
  problems.throwIfAny();
  return { guestId, reason };
}

/** Only staff erase on request (guest profiles erases through its event). */
export function assertMayErasePersonalData(caller: Caller): void {
  if (caller.role !== 'staff') throw new ForbiddenError(`A ${caller.role} may not erase personal data.`);
}

/** The right of access: a guest reads their own data, staff anyone's. */
export function assertMayExportPersonalData(caller: Caller, guestId: string): void {
  if (caller.role === 'staff') return;
  if (caller.role === 'guest' && caller.guestId === guestId) return;
  throw new ForbiddenError(
    caller.role === 'guest'
      ? 'A guest may only export their own personal data.'
      : `A ${caller.role} may not export personal data.`,
  );
}
