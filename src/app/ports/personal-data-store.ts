import type { PersonalParticipant, PersonalReservation } from '../../domain/index.js';
import type { ReservationKey } from '../views.js';

/**
 * What the personal-data use cases need from storage (implemented in src/db/personal-data.ts).
 * `eraseReservation` is one transaction per reservation: it locks the reservation, asks the plan
 * what to clear, writes it with `_rev + 1`, records the erasure (actor, reason), scrubs the outbox
 * and enqueues the `reservation.personal-data-erased` event — or changes nothing.
 */

/** A reservation's personal data as it stands, locked for the erasure. */
export interface ErasureSnapshot extends ReservationKey {
  guestId: string;
  tripDate: string;
  reservation: PersonalReservation;
  participants: (PersonalParticipant & { id: string; guestId: string | null })[];
  /** All of its personal data was erased before. */
  erased: boolean;
  /** Status history rows that still hold a free-text reason. */
  reasonsHeld: number;
  /** Outbox rows of this reservation that still hold personal data (notifications, reasons). */
  outboxRowsHeld: number;
}

export type ErasureScope = 'reservation' | 'participant';

/** What to clear: the whole reservation's personal data, or some participants' only. */
export interface ErasurePlan {
  scope: ErasureScope;
  /** The booking's erased fields (scope `reservation` only). */
  reservation: PersonalReservation | null;
  participants: { id: string; erased: PersonalParticipant }[];
  /** Participants' and booking fields cleared (history reasons are counted by the store). */
  fieldsCleared: number;
  participantsTouched: number;
}

export interface ErasureRecord {
  /** The guest erased; null for retention (all of the reservation, whoever is on it). */
  guestId: string | null;
  actor: string;
  reason: string;
  at: Date;
}

/** One reservation's erasure, as committed. */
export interface ReservationErasure extends ReservationKey {
  scope: ErasureScope;
  rev: number;
  participantsTouched: number;
  fieldsCleared: number;
}

export interface PersonalDataStore {
  /** Reservations where the guest is the booker or a participant. */
  reservationsOfGuest(guestId: string): Promise<ReservationKey[]>;
  /** Null when the reservation is gone or the plan clears nothing (already erased). */
  eraseReservation(
    key: ReservationKey,
    record: ErasureRecord,
    plan: (snapshot: ErasureSnapshot) => ErasurePlan | null,
  ): Promise<ReservationErasure | null>;
  /** Reservations whose trip date is on or before `cutoff` and still hold personal data, oldest first. */
  reservationsPastRetention(cutoff: string, limit: number): Promise<ReservationKey[]>;
  /** Everything held about the guest, as plain JSON-ready data. */
  exportOf(guestId: string): Promise<PersonalDataExport>;
  /** Inbox of consumed erasure events: whether this event id was handled, and recording it. */
  wasHandled(eventId: string): Promise<boolean>;
  markHandled(eventId: string, topic: string, outcome: string): Promise<void>;
}

export interface PersonalDataExport {
  guestId: string;
  /** Reservations the guest booked, with their participants and history. */
  reservations: Record<string, unknown>[];
  /** The guest's own participant rows on reservations others booked. */
  participations: Record<string, unknown>[];
  /** Events this service sent (or will send) about the guest's reservations, still in the outbox. */
  events: Record<string, unknown>[];
  erasures: Record<string, unknown>[];
}
