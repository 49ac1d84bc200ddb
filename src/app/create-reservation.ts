import { Prisma } from '../db/__generated__/prisma/client.js';
import { insertReservation, isoOf } from '../db/reservation-repository.js';
import {
  type CreateReservationInput,
  confirmationCode,
  reservationDateOfId,
  uuidV7,
  validateCreateReservation,
} from '../domain/index.js';
import { type Actor, type AppDeps, actorName } from './deps.js';
import type { ReservationView } from './views.js';

export interface CreateReservationCommand {
  input: CreateReservationInput;
  actor: Actor;
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
      return await deps.prisma.$transaction(
        (tx) =>
          insertReservation(
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
            valid.participants.map((participant) => ({
              id: uuidV7(now.getTime(), deps.random),
              guestId: participant.guestId,
              fullName: participant.fullName,
              dateOfBirth: participant.dateOfBirth,
              ageCategory: participant.ageCategory,
              email: participant.email,
              phone: participant.phone,
              insurance: participant.insurance,
            })),
            { from: null, to: 'PENDING', rev: 1, reason: 'created', actor: actorName(command.actor), at: now },
          ),
        deps.transactionOptions,
      );
    } catch (error) {
      const codeTaken =
        error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002' && attempt < CODE_ATTEMPTS;
      if (!codeTaken) throw error;
    }
  }
}
