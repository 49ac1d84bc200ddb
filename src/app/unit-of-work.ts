import type { ReservationStatus } from '../domain/index.js';
import {
  BadUserInputError,
  type Caller,
  canRead,
  NotFoundError,
  parseUuid,
  reservationDateOfId,
  StaleRevisionError,
} from '../domain/index.js';
import { type Actor, type AppDeps, actorName } from './deps.js';
import {
  hasRecipient,
  notification,
  type OutboxContext,
  type OutboxEntry,
  reservationCreatedEvent,
  statusChangedEvent,
} from './outbox-entries.js';
import type { ReservationChanges, Transaction } from './ports.js';
import type { ReservationKey, ReservationView } from './views.js';

/**
 * The transaction boundary shared by every use case that changes an existing reservation:
 * load it, check the caller's revision, let the use case decide, then write the change with
 * `_rev + 1` conditional on the revision in SQL, the status history row when the status moved,
 * and the events and notifications the change promises — all in one transaction.
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
  apply?: (tx: Transaction, at: Date) => Promise<void>;
  statusReason?: string | null;
  /** Further outbox entries the change promises (beyond the status events added here). */
  outbox?: (updated: ReservationView, context: OutboxContext) => OutboxEntry[];
}

export interface ChangeRequest {
  key: ReservationKey;
  expectedRev: number;
  actor: Actor;
  requestId?: string | undefined;
  /** The verified caller, when a person or service asked: they must own the reservation. */
  caller?: Caller | undefined;
}

type Decide = (current: ReservationView, tx: Transaction, now: Date) => Promise<Decision> | Decision;

export function changeReservation(deps: AppDeps, request: ChangeRequest, decide: Decide): Promise<ReservationView> {
  return deps.store.transaction((tx) => changeReservationIn(tx, deps, request, decide));
}

/** The same, inside a transaction the caller owns (settling a payment adds its inbox row). */
export async function changeReservationIn(
  tx: Transaction,
  deps: AppDeps,
  request: ChangeRequest,
  decide: Decide,
): Promise<ReservationView> {
  const now = deps.clock();
  const [current] = await tx.findReservations([request.key]);
  // Someone else's reservation does not exist for this caller.
  if (!current || (request.caller && !canRead(request.caller, current))) throw new NotFoundError('Reservation', request.key.id);
  if (current.rev !== request.expectedRev) throw new StaleRevisionError(current.rev);

  const decision = await decide(current, tx, now);
  const updated = await tx.updateReservationAtRev(request.key, request.expectedRev, decision.changes, now);
  if (!updated) {
    // Another writer committed between our read and our write.
    const [latest] = await tx.findReservations([request.key]);
    throw new StaleRevisionError(latest?.rev ?? current.rev);
  }
  await decision.apply?.(tx, now);

  const outboxContext: OutboxContext = { now, random: deps.random, requestId: request.requestId };
  const entries = decision.outbox?.(updated, outboxContext) ?? [];
  const to: ReservationStatus | undefined = decision.changes.status;
  if (to && to !== current.status) {
    const change = { from: current.status, to, reason: decision.statusReason ?? null, actor: actorName(request.actor) };
    await tx.appendStatusChange(request.key, { ...change, rev: updated.rev, at: now });
    entries.push(...(await statusEvents(tx, outboxContext, updated, change)));
  }
  await tx.enqueue(entries.filter(hasRecipient));
  return updated;
}

/** Every transition: status_changed and a status update; the first confirmation: created and a booking confirmation. */
async function statusEvents(
  tx: Transaction,
  context: OutboxContext,
  reservation: ReservationView,
  change: { from: ReservationStatus; to: ReservationStatus; reason: string | null; actor: string },
): Promise<OutboxEntry[]> {
  const entries = [
    statusChangedEvent(context, reservation, change),
    notification(context, 'status_update', reservation, { from: change.from, to: change.to, reason: change.reason }),
  ];
  if (change.from === 'PENDING' && change.to === 'CONFIRMED') {
    const participants = await tx.findParticipantsOf([reservation]);
    entries.push(
      reservationCreatedEvent(
        context,
        reservation,
        participants.map((participant) => participant.id),
      ),
      notification(context, 'booking_confirmation', reservation, { partySize: reservation.partySize }),
    );
  }
  return entries;
}
