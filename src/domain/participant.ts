import { assertToday } from './calendar.js';
import { AGE_CATEGORIES, type AgeCategory } from './enums.js';
import { BadUserInputError } from './errors.js';
import {
  fieldPath,
  InputProblems,
  isGiven,
  isoDate,
  isRecord,
  optionalEmail,
  optionalPhone,
  optionalUuid,
  requiredText,
} from './field-checks.js';
import { checkInsurance, type InsuranceInput, type InsuranceTerms } from './insurance.js';

/**
 * The people on a reservation. Every participant's age must be known — a date of birth or an
 * age category — because trips have age rules (the `participants_age_known` CHECK).
 */

export const MAX_FULL_NAME_LENGTH = 200;
export const MIN_PARTY_SIZE = 1;
export const MAX_PARTY_SIZE = 50;
/** Nobody alive was born before; an earlier date is a typing mistake. */
export const EARLIEST_DATE_OF_BIRTH = '1900-01-01';

/** A participant as a client sends it (GraphQL leaves optional fields out or sends null). */
export interface ParticipantInput {
  fullName: string;
  guestId?: string | null;
  dateOfBirth?: string | null;
  ageCategory?: string | null;
  email?: string | null;
  phone?: string | null;
  insurance?: InsuranceInput | null;
}

/** A validated participant, ready to store. */
export interface ParticipantDetails {
  guestId: string | null;
  fullName: string;
  dateOfBirth: string | null;
  ageCategory: AgeCategory | null;
  email: string | null;
  phone: string | null;
  insurance: InsuranceTerms | null;
}

export interface ParticipantChangesInput {
  fullName?: string | null;
  dateOfBirth?: string | null;
  ageCategory?: string | null;
  email?: string | null;
  phone?: string | null;
}

/** Only the fields to change; null clears an optional one. */
export interface ParticipantDetailsChanges {
  fullName?: string;
  dateOfBirth?: string | null;
  ageCategory?: AgeCategory | null;
  email?: string | null;
  phone?: string | null;
}

export interface ValidationContext {
  /** The caller's date (`YYYY-MM-DD`), for rules about the past and the future. */
  today: string;
  /** Where the input sits in the request, prefixed to every field path (e.g. `input.participant`). */
  path?: string;
}

export function isAgeCategory(value: unknown): value is AgeCategory {
  return typeof value === 'string' && (AGE_CATEGORIES as readonly string[]).includes(value);
}

function dateOfBirth(problems: InputProblems, field: string, value: unknown, today: string): string | null {
  if (value === undefined || value === null) return null;
  const date = isoDate(problems, field, value);
  if (date === null) return null;
  if (date > today) problems.add(field, 'must not be in the future');
  else if (date < EARLIEST_DATE_OF_BIRTH) problems.add(field, `must not be before ${EARLIEST_DATE_OF_BIRTH}`);
  return date;
}

function ageCategory(problems: InputProblems, field: string, value: unknown): AgeCategory | null {
  if (value === undefined || value === null) return null;
  if (isAgeCategory(value)) return value;
  problems.add(field, `must be one of ${AGE_CATEGORIES.join(', ')}`);
  return null;
}

/** Records the problems of one participant under `path` (e.g. `participants.2`) and returns it normalized. */
export function checkParticipant(problems: InputProblems, path: string, input: unknown, today: string): ParticipantDetails {
  const record = isRecord(input) ? input : {};
  if (!isRecord(input)) problems.add(path || 'participant', 'must be a participant');
  const field = (name: string) => fieldPath(path, name);
  const details: ParticipantDetails = {
    guestId: optionalUuid(problems, field('guestId'), record.guestId),
    fullName: requiredText(problems, field('fullName'), record.fullName, { max: MAX_FULL_NAME_LENGTH }),
    dateOfBirth: dateOfBirth(problems, field('dateOfBirth'), record.dateOfBirth, today),
    ageCategory: ageCategory(problems, field('ageCategory'), record.ageCategory),
    email: optionalEmail(problems, field('email'), record.email),
    phone: optionalPhone(problems, field('phone'), record.phone),
    insurance:
      record.insurance === undefined || record.insurance === null
        ? null
        : checkInsurance(problems, field('insurance'), record.insurance),
  };
  const ageGiven = (value: unknown) => value !== undefined && value !== null;
  if (isRecord(input) && !ageGiven(record.dateOfBirth) && !ageGiven(record.ageCategory)) {
    problems.add(field('dateOfBirth'), 'is required unless an ageCategory is given');
  }
  return details;
}

/** A participant to add to a reservation. */
export function validateParticipant(input: ParticipantInput, context: ValidationContext): ParticipantDetails {
  assertToday(context.today);
  const problems = new InputProblems();
  const details = checkParticipant(problems, context.path ?? '', input, context.today);
  problems.throwIfAny();
  return details;
}

/**
 * Changes to a participant: at least one field. The age may be cleared on one side only when the
 * other side is set in the same change, so the age stays known whatever the participant held.
 */
export function validateParticipantChanges(
  input: ParticipantChangesInput,
  context: ValidationContext,
): ParticipantDetailsChanges {
  assertToday(context.today);
  const problems = new InputProblems();
  const field = (name: string) => fieldPath(context.path ?? '', name);
  const changes: ParticipantDetailsChanges = {};

  if (isGiven(input.fullName)) {
    if (input.fullName === null) problems.add(field('fullName'), 'cannot be cleared: a participant needs a name');
    else changes.fullName = requiredText(problems, field('fullName'), input.fullName, { max: MAX_FULL_NAME_LENGTH });
  }
  if (isGiven(input.dateOfBirth))
    changes.dateOfBirth = dateOfBirth(problems, field('dateOfBirth'), input.dateOfBirth, context.today);
  if (isGiven(input.ageCategory)) changes.ageCategory = ageCategory(problems, field('ageCategory'), input.ageCategory);
  if (isGiven(input.email)) changes.email = optionalEmail(problems, field('email'), input.email);
  if (isGiven(input.phone)) changes.phone = optionalPhone(problems, field('phone'), input.phone);

  if (input.dateOfBirth === null && (input.ageCategory === null || input.ageCategory === undefined)) {
    problems.add(field('dateOfBirth'), 'can be cleared only when an ageCategory is given in the same change');
  }
  if (input.ageCategory === null && (input.dateOfBirth === null || input.dateOfBirth === undefined)) {
    problems.add(field('ageCategory'), 'can be cleared only when a dateOfBirth is given in the same change');
  }
  if (Object.values(input).every((value) => value === undefined)) {
    problems.add(context.path || 'changes', 'must name at least one field to change');
  }
  problems.throwIfAny();
  return changes;
}

/** A reservation keeps at least one participant; to drop them all, cancel it. */
export function assertCanRemoveParticipant(participantCount: number, field = 'participantId'): void {
  if (participantCount <= MIN_PARTY_SIZE) {
    throw new BadUserInputError([
      { field, message: 'is the last participant of the reservation and cannot be removed; cancel the reservation instead' },
    ]);
  }
}

export function assertCanAddParticipant(participantCount: number, field = 'participant'): void {
  if (participantCount >= MAX_PARTY_SIZE) {
    throw new BadUserInputError([
      { field, message: `cannot be added: a reservation has at most ${MAX_PARTY_SIZE} participants` },
    ]);
  }
}
