import type { Prisma } from '../db/__generated__/prisma/client.js';
import {
  appendStatusChange,
  findReservations,
  type ReservationChanges,
  updateReservationAtRev,
} from '../db/reservation-repository.js';
import { BadUserInputError, NotFoundError, parseUuid, reservationDateOfId, StaleRevisionError } from '../domain/index.js';
import { type Actor, type AppDeps, actorName } from './deps.js';
import type { ReservationKey, ReservationStatus, ReservationView } from './views.js';

/**
 * The transaction boundary shared by every use case that changes an existing reservation:
 * load it, check the caller's revision, let the use case decide, then write the change with
 * `_rev + 1` conditional on the revision in SQL, plus the status history row when the status moved.
 */

/** The storage key of a reservation id given by a client; `field` names the input for errors. */
export function keyOfId(raw: string, field: string): ReservationKey {
  const id = parseUuid(raw);
  if (!id) throw new BadUserInputError([{ field, message: 'must be a reservation id (a UUID)' }]);
  const reservationDate = reservationDateOfId(id);
  // A well-formed UUID that is not one of ours (not version 7) names no reservation.
  if (!reservationDate) throw new NotFoundError('Reservation', id);
  return { id, reservationDate };
}

export interface Decision {
  changes: ReservationChanges;
  /** Writes of the aggregate's other rows (participants), in the same transaction. */
  apply?: (tx: Prisma.TransactionClient, at: Date) => Promise<void>;
  statusReason?: string | null;
}

export interface ChangeRequest {
  key: ReservationKey;
  expectedRev: number;
  actor: Actor;
}

export async function changeReservation(
  deps: AppDeps,
  request: ChangeRequest,
  decide: (current: ReservationView, tx: Prisma.TransactionClient, now: Date) => Promise<Decision> | Decision,
): Promise<ReservationView> {
  return deps.prisma.$transaction(async (tx) => {
    const now = deps.clock();
    const [current] = await findReservations(tx, [request.key]);
    if (!current) throw new NotFoundError('Reservation', request.key.id);
    if (current.rev !== request.expectedRev) throw new StaleRevisionError(current.rev);

    const decision = await decide(current, tx, now);
    const updated = await updateReservationAtRev(tx, request.key, request.expectedRev, decision.changes, now);
    if (!updated) {
      // Another writer committed between our read and our write.
      const [latest] = await findReservations(tx, [request.key]);
      throw new StaleRevisionError(latest?.rev ?? current.rev);
    }
    await decision.apply?.(tx, now);
    const to: ReservationStatus | undefined = decision.changes.status;
    if (to && to !== current.status) {
      await appendStatusChange(tx, request.key, {
        from: current.status,
        to,
        rev: updated.rev,
        reason: decision.statusReason ?? null,
        actor: actorName(request.actor),
        at: now,
      });
    }
    return updated;
  }, deps.transactionOptions);
}
