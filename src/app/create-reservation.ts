import { createHash } from 'node:crypto';
import {
  BadUserInputError,
  type CreateReservationInput,
  confirmationCode,
  IdempotencyKeyReusedError,
  isoDateOf,
  type ReservationDraft,
  reservationDateOfId,
  uuidV7,
  validateCreateReservation,
} from '../domain/index.js';
import { checkBooking } from './booking-checks.js';
import { requestDeposit } from './deposit.js';
import { type Actor, type AppDeps, actorName, lookupsOf } from './deps.js';
import { notification, statusChangedEvent } from './outbox-entries.js';
import { type IdempotencyRecord, type NewReservation, UniqueKeyTakenError } from './ports.js';
import type { ReservationView } from './views.js';

export interface CreateReservationCommand {
  input: CreateReservationInput;
  actor: Actor;
  requestId?: string | undefined;
  /** A retry with the same key (per caller) returns the same reservation. */
  idempotencyKey?: string | null | undefined;
  /** Set for partner callers: their own reference is then required and unique per partner. */
  partnerId?: string | null;
}

/** Collisions of the random part of a confirmation code within one day are rare; retry a few. */
const ATTEMPTS = 5;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{8,128}$/;

/**
 * Books a trip: one write stores the PENDING reservation, its participants, its first history
 * row, the idempotency key and partner reference (unique across partitions), and the events it
 * promises.
 */
export async function createReservation(deps: AppDeps, command: CreateReservationCommand): Promise<ReservationView> {
  const now = deps.clock();
  const valid = validateCreateReservation(command.input, {
    today: isoDateOf(now),
    path: 'input',
    requirePartnerReference: Boolean(command.partnerId),
  });
  const idempotency = idempotencyOf(command, valid);

  for (let attempt = 1; ; attempt++) {
    if (idempotency) {
      const earlier = await replay(deps, idempotency);
      if (earlier) return resumeDeposit(deps, earlier);
    }
    await assertPartnerReferenceFree(deps, command.partnerId, valid.partnerReference);
    const lookups = lookupsOf(deps);
    const trip = lookups ? await checkBooking(lookups, valid) : null;
    let created: ReservationView;
    try {
      created = await insertNew(deps, command, valid, now, idempotency);
    } catch (error) {
      // A unique key was taken meanwhile: the idempotency key by a concurrent retry (the loop
      // then returns its reservation), or a confirmation code (the loop draws another).
      if (!(error instanceof UniqueKeyTakenError) || attempt >= ATTEMPTS) throw error;
      continue;
    }
    return deps.outbound && trip ? requestDeposit({ ...deps, outbound: deps.outbound }, created, trip) : created;
  }
}

/** A retry of a booking whose deposit request failed asks payments again (same idempotency key). */
async function resumeDeposit(deps: AppDeps, reservation: ReservationView): Promise<ReservationView> {
  if (!deps.outbound || reservation.paymentId || reservation.status !== 'PENDING') return reservation;
  const trip = await lookupsOf(deps)?.trip.load(reservation.tripId);
  return trip ? requestDeposit({ ...deps, outbound: deps.outbound }, reservation, trip) : reservation;
}

function idempotencyOf(command: CreateReservationCommand, valid: ReservationDraft): IdempotencyRecord | null {
  const key = command.idempotencyKey;
  if (key === null || key === undefined) return null;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new BadUserInputError([
      { field: 'idempotencyKey', message: 'must be 8 to 128 printable ASCII characters without spaces' },
    ]);
  }
  // The normalized request: the same booking written differently is the same request.
  const requestHash = createHash('sha256').update(JSON.stringify(valid)).digest('hex');
  return { scope: actorName(command.actor), key, requestHash };
}

async function assertPartnerReferenceFree(
  deps: AppDeps,
  partnerId: string | null | undefined,
  reference: string | null,
): Promise<void> {
  if (!partnerId || !reference) return;
  if (await deps.store.isPartnerReferenceTaken(partnerId, reference)) {
    throw new BadUserInputError([
      { field: 'input.partnerReference', message: 'is already used by another reservation of this partner' },
    ]);
  }
}

async function replay(deps: AppDeps, idempotency: IdempotencyRecord): Promise<ReservationView | null> {
  const stored = await deps.store.findIdempotencyKey(idempotency.scope, idempotency.key);
  if (!stored) return null;
  if (stored.requestHash !== idempotency.requestHash) throw new IdempotencyKeyReusedError();
  const [reservation] = await deps.store.findReservations([stored.reservation]);
  return reservation ?? null;
}

async function insertNew(
  deps: AppDeps,
  command: CreateReservationCommand,
  valid: ReservationDraft,
  now: Date,
  idempotency: IdempotencyRecord | null,
): Promise<ReservationView> {
  const id = uuidV7(now.getTime(), deps.random);
  const reservationDate = reservationDateOfId(id) ?? isoDateOf(now);
  const partnerReference = command.partnerId ? (valid.partnerReference ?? null) : null;
  const participants = valid.participants.map((participant, position) => ({
    id: uuidV7(now.getTime(), deps.random),
    position,
    guestId: participant.guestId,
    fullName: participant.fullName,
    dateOfBirth: participant.dateOfBirth,
    ageCategory: participant.ageCategory,
    email: participant.email,
    phone: participant.phone,
    insurance: participant.insurance,
  }));
  const actor = actorName(command.actor);
  const reservation: NewReservation = {
    id,
    reservationDate,
    confirmationCode: confirmationCode(reservationDate, deps.random),
    status: 'PENDING',
    guestId: valid.guestId,
    tripId: valid.tripId,
    tripDate: valid.tripDate,
    contactEmail: valid.contact.email,
    contactPhone: valid.contact.phone,
    notes: valid.notes,
    partnerId: command.partnerId ?? null,
    partnerReference,
    createdAt: now,
  };
  // What the booking will read back: the events promise the reservation as it is written.
  const booked: ReservationView = {
    ...reservation,
    partySize: participants.length,
    rev: 1,
    depositStatus: 'PENDING',
    paymentId: null,
    updatedAt: now,
  };
  const context = { now, random: deps.random, requestId: command.requestId };
  // One write, all or nothing (Store.insertBooking): a single statement in PostgreSQL.
  return deps.store.insertBooking({
    reservation,
    participants,
    history: { from: null, to: 'PENDING', rev: 1, reason: 'created', actor, at: now },
    idempotency,
    outbox: [
      statusChangedEvent(context, booked, { from: null, to: 'PENDING', reason: 'created', actor }),
      ...participants
        .filter((participant) => participant.insurance)
        .map((participant) =>
          notification(context, 'insurance_confirmation', booked, {
            participantId: participant.id,
            fullName: participant.fullName,
            plan: participant.insurance?.plan,
          }),
        ),
    ],
  });
}
