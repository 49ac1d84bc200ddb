import { eraseParticipant, eraseReservation } from '../domain/index.js';
import type {
  ErasurePlan,
  ErasureRecord,
  ErasureSnapshot,
  PersonalDataStore,
  ReservationErasure,
} from './ports/personal-data-store.js';

/**
 * Erasure of a guest's personal data (README, Personal data): on every reservation they booked,
 * all of its personal data; on reservations others booked, their own participant rows. One
 * transaction per reservation; a second erasure finds nothing left and reports zero changes.
 */

export interface ErasureReport {
  guestId: string | null;
  reservationsTouched: number;
  participantsTouched: number;
  fieldsCleared: number;
  reservationIds: string[];
}

/** What to clear on one reservation for this guest (null guest: all of it), or null when nothing is left. */
export function planErasure(snapshot: ErasureSnapshot, guestId: string | null): ErasurePlan | null {
  const whole = guestId === null || snapshot.guestId === guestId;
  const chosen = whole ? snapshot.participants : snapshot.participants.filter((p) => p.guestId === guestId);
  const participants = chosen
    .map((participant) => ({ id: participant.id, ...eraseParticipant(participant, snapshot.tripDate) }))
    .filter((participant) => participant.fieldsCleared > 0);
  const booking = whole ? eraseReservation(snapshot.reservation) : null;
  const fieldsCleared = participants.reduce((sum, p) => sum + p.fieldsCleared, booking?.fieldsCleared ?? 0);
  // A reservation not yet marked erased is marked even with nothing left to clear, so retention moves on.
  const leftovers = whole ? snapshot.reasonsHeld + snapshot.outboxRowsHeld + Number(!snapshot.erased) : 0;
  if (fieldsCleared === 0 && leftovers === 0) return null;
  return {
    scope: whole ? 'reservation' : 'participant',
    reservation: booking?.erased ?? null,
    participants: participants.map(({ id, erased }) => ({ id, erased })),
    fieldsCleared,
    participantsTouched: participants.length,
  };
}

export function addToReport(report: ErasureReport, erasure: ReservationErasure | null): void {
  if (!erasure) return;
  report.reservationsTouched += 1;
  report.participantsTouched += erasure.participantsTouched;
  report.fieldsCleared += erasure.fieldsCleared;
  report.reservationIds.push(erasure.id);
}

export async function erasePersonalData(
  store: PersonalDataStore,
  request: { guestId: string; actor: string; reason: string; now: Date },
): Promise<ErasureReport> {
  const report: ErasureReport = {
    guestId: request.guestId,
    reservationsTouched: 0,
    participantsTouched: 0,
    fieldsCleared: 0,
    reservationIds: [],
  };
  const record: ErasureRecord = { guestId: request.guestId, actor: request.actor, reason: request.reason, at: request.now };
  for (const key of await store.reservationsOfGuest(request.guestId)) {
    addToReport(report, await store.eraseReservation(key, record, (snapshot) => planErasure(snapshot, request.guestId)));
  }
  return report;
}

export type ErasureEventOutcome = { kind: 'erased'; report: ErasureReport } | { kind: 'duplicate' };

/**
 * An erasure announced by guest profiles, handled once per event id. The inbox row is written
 * after the erasure: a crash in between redelivers the event, and the erasure, being idempotent,
 * then finds nothing left to do.
 */
export async function eraseOnEvent(
  store: PersonalDataStore,
  event: { eventId: string; topic: string; guestId: string; source: string; now: Date },
): Promise<ErasureEventOutcome> {
  if (await store.wasHandled(event.eventId)) return { kind: 'duplicate' };
  const report = await erasePersonalData(store, {
    guestId: event.guestId,
    actor: `service:${event.source}`,
    reason: `guest.erased event ${event.eventId}`,
    now: event.now,
  });
  await store.markHandled(event.eventId, event.topic, 'erased');
  return { kind: 'erased', report };
}
