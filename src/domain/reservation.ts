import { addYears, assertToday } from './calendar.js';
import {
  email,
  fieldPath,
  InputProblems,
  isGiven,
  isoDate,
  isRecord,
  optionalPhone,
  optionalText,
  requiredUuid,
} from './field-checks.js';
import {
  checkParticipant,
  MAX_PARTY_SIZE,
  MIN_PARTY_SIZE,
  type ParticipantDetails,
  type ParticipantInput,
  type ValidationContext,
} from './participant.js';

/**
 * The reservation's own inputs: booking a trip and changing its details. Validation turns a
 * client's input into normalized values or one BadUserInputError listing every problem.
 */

export const MAX_NOTES_LENGTH = 2000;
export const MAX_PARTNER_REFERENCE_LENGTH = 128;
/** A partner's id (from their token, or named by staff in a search): `partner_id varchar(64)`. */
export const MAX_PARTNER_ID_LENGTH = 64;
/** A booking's retry key (`idempotency_keys.key varchar(128)`). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 128;
/** Trips are sold at most this far ahead. */
export const BOOKING_HORIZON_YEARS = 2;

export interface ContactInput {
  email: string;
  phone?: string | null;
}

export interface Contact {
  email: string;
  phone: string | null;
}

export interface CreateReservationInput {
  guestId: string;
  tripId: string;
  tripDate: string;
  contact: ContactInput;
  notes?: string | null;
  participants: readonly ParticipantInput[];
  partnerReference?: string | null;
}

/** A validated booking request; the party size is the number of participants. */
export interface ReservationDraft {
  guestId: string;
  tripId: string;
  tripDate: string;
  contact: Contact;
  notes: string | null;
  partnerReference: string | null;
  participants: ParticipantDetails[];
  partySize: number;
}

export interface CreateReservationContext extends ValidationContext {
  /** Partners must name their own reference (it is unique per partner and is how they find it). */
  requirePartnerReference?: boolean;
}

/** Omitted fields stay as they are; `notes: null` clears the notes. */
export interface ModifyReservationInput {
  tripDate?: string | null;
  notes?: string | null;
  contact?: ContactInput | null;
}

export interface ReservationDetailsChanges {
  tripDate?: string;
  notes?: string | null;
  contact?: Contact;
}

/** A trip date from today (a same-day booking is allowed) up to the booking horizon. */
function tripDate(problems: InputProblems, field: string, value: unknown, today: string): string {
  const date = isoDate(problems, field, value);
  if (date === null) return '';
  const latest = addYears(today, BOOKING_HORIZON_YEARS);
  if (date < today) problems.add(field, `must not be in the past (today is ${today})`);
  else if (date > latest) problems.add(field, `must be at most ${BOOKING_HORIZON_YEARS} years ahead (on or before ${latest})`);
  return date;
}

function contact(problems: InputProblems, path: string, input: unknown): Contact {
  if (!isRecord(input)) {
    problems.add(path, 'is required');
    return { email: '', phone: null };
  }
  return {
    email: email(problems, fieldPath(path, 'email'), input.email),
    phone: optionalPhone(problems, fieldPath(path, 'phone'), input.phone),
  };
}

/** Free text for the operator: line breaks and tabs are fine, anything else is kept verbatim. */
function notes(problems: InputProblems, field: string, value: unknown): string | null {
  return optionalText(problems, field, value, { max: MAX_NOTES_LENGTH, multiline: true });
}

function participants(problems: InputProblems, path: string, value: unknown, today: string): ParticipantDetails[] {
  if (!Array.isArray(value)) {
    problems.add(path, 'must be a list of participants');
    return [];
  }
  if (value.length < MIN_PARTY_SIZE) {
    problems.add(path, `must list at least ${MIN_PARTY_SIZE} participant`);
    return [];
  }
  if (value.length > MAX_PARTY_SIZE) {
    // The list as a whole is refused; itemizing hundreds of entries would only flood the answer.
    problems.add(path, `must list at most ${MAX_PARTY_SIZE} participants (it lists ${value.length})`);
    return [];
  }
  const list = value.map((item: unknown, index) => checkParticipant(problems, fieldPath(path, index), item, today));
  const firstIndexOfGuest = new Map<string, number>();
  list.forEach((participant, index) => {
    if (participant.guestId === null) return;
    const first = firstIndexOfGuest.get(participant.guestId);
    if (first === undefined) firstIndexOfGuest.set(participant.guestId, index);
    else
      problems.add(
        fieldPath(path, index, 'guestId'),
        `is the same guest as ${fieldPath(path, first)}: a person is on a reservation once`,
      );
  });
  return list;
}

export function validateCreateReservation(input: CreateReservationInput, context: CreateReservationContext): ReservationDraft {
  assertToday(context.today);
  const problems = new InputProblems();
  const path = context.path ?? '';
  const field = (name: string) => fieldPath(path, name);
  const record: Record<string, unknown> = isRecord(input) ? input : {};

  const partnerReference = optionalText(problems, field('partnerReference'), record.partnerReference, {
    max: MAX_PARTNER_REFERENCE_LENGTH,
  });
  if (context.requirePartnerReference && partnerReference === null) {
    problems.add(field('partnerReference'), 'is required for bookings made by a partner');
  }
  const draft: Omit<ReservationDraft, 'partySize'> = {
    guestId: requiredUuid(problems, field('guestId'), record.guestId),
    tripId: requiredUuid(problems, field('tripId'), record.tripId),
    tripDate: tripDate(problems, field('tripDate'), record.tripDate, context.today),
    contact: contact(problems, field('contact'), record.contact),
    notes: notes(problems, field('notes'), record.notes),
    partnerReference,
    participants: participants(problems, field('participants'), record.participants, context.today),
  };
  problems.throwIfAny();
  return { ...draft, partySize: draft.participants.length };
}

/**
 * Changes to trip date, notes and contact: at least one. Trip date and contact cannot be cleared
 * (a reservation always has both), so an explicit null for them is refused rather than ignored.
 */
export function validateModifyReservation(input: ModifyReservationInput, context: ValidationContext): ReservationDetailsChanges {
  assertToday(context.today);
  const problems = new InputProblems();
  const path = context.path ?? '';
  const field = (name: string) => fieldPath(path, name);
  const changes: ReservationDetailsChanges = {};

  if (input.tripDate === null) problems.add(field('tripDate'), 'cannot be cleared; leave it out to keep the trip date');
  else if (isGiven(input.tripDate)) changes.tripDate = tripDate(problems, field('tripDate'), input.tripDate, context.today);

  if (isGiven(input.notes)) changes.notes = notes(problems, field('notes'), input.notes);

  if (input.contact === null) problems.add(field('contact'), 'cannot be cleared; leave it out to keep the contact');
  else if (isGiven(input.contact)) changes.contact = contact(problems, field('contact'), input.contact);

  if (input.tripDate === undefined && input.notes === undefined && input.contact === undefined) {
    problems.add(path || 'input', 'must give at least one of tripDate, notes and contact');
  }
  problems.throwIfAny();
  return changes;
}
