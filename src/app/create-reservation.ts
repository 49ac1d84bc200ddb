import { Prisma } from '../db/__generated__/prisma/client.js';
import { insertReservation, isoOf } from '../db/reservation-repository.js';
import {
  type CreateReservationInput,
  confirmationCode,
  reservationDateOfId,
  uuidV7,
  validateCreateReservation,
} from '../domain/index.js';
import { enqueue, notification, statusChangedEvent } from '../events/outbox.js';
import { type Actor, type AppDeps, actorName } from './deps.js';
import type { ReservationView } from './views.js';

export interface CreateReservationCommand {
  input: CreateReservationInput;
  actor: Actor;
  requestId?: string | undefined;
  /** Set for partner callers: their own reference is then required and unique per partner. */
  partnerId?: string | null;
}

/** Collisions of the random part of a confirmation code within one day are rare; retry a few. */
const CODE_ATTEMPTS = 5;

export async function createReservation(deps: AppDeps, command: CreateReservationCommand): Promise<ReservationView> {
  const now = deps.clock();
  const valid = validateCreateReservation(command.input, {
    today: isoOf(now),
    path: 'input',
    requirePartnerReference: Boolean(command.partnerId),
  });

  for (let attempt = 1; ; attempt++) {
    const id = uuidV7(now.getTime(), deps.random);
    const reservationDate = reservationDateOfId(id) ?? isoOf(now);
    try {
      return await deps.prisma.$transaction(async (tx) => {
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
        const reservation = await insertReservation(
          tx,
          {
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
            partnerReference: command.partnerId ? (valid.partnerReference ?? null) : null,
            createdAt: now,
          },
          participants,
          { from: null, to: 'PENDING', rev: 1, reason: 'created', actor, at: now },
        );
        const context = { now, random: deps.random, requestId: command.requestId };
        await enqueue(tx, [
          statusChangedEvent(context, reservation, { from: null, to: 'PENDING', reason: 'created', actor }),
          ...participants
            .filter((participant) => participant.insurance)
            .map((participant) =>
              notification(context, 'insurance_confirmation', reservation, {
                participantId: participant.id,
                fullName: participant.fullName,
                plan: participant.insurance?.plan,
              }),
            ),
        ]);
        return reservation;
      }, deps.transactionOptions);
    } catch (error) {
      const codeTaken =
        error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002' && attempt < CODE_ATTEMPTS;
      if (!codeTaken) throw error;
    }
  }
}
