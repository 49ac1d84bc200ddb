import type { ReservationView } from '../app/views.js';
import type { Prisma } from '../db/__generated__/prisma/client.js';
import type { OutboxRow } from '../db/outbox-row.js';
import { ERASED_MARKER, type RandomBytes, uuidV7 } from '../domain/index.js';
import {
  EVENT_TYPES,
  type NotificationTemplate,
  type ReservationCreated,
  type ReservationPersonalDataErased,
  type ReservationStatusChanged,
  reservationCreatedSchema,
  reservationPersonalDataErasedSchema,
  reservationStatusChangedSchema,
  TOPICS,
} from './contracts.js';

/**
 * What a change promises to the outside world, written in the change's own transaction: events
 * for Kafka and notifications for svc-notifications. The relay delivers them after commit.
 */

/** One message to write (the row shape lives with the SQL: src/db/outbox-row.ts). */
export type OutboxEntry = OutboxRow;

export interface OutboxContext {
  now: Date;
  random: RandomBytes;
  /** Carried into the message headers, so a request can be followed into its events. */
  requestId?: string | undefined;
}

function entry(context: OutboxContext, fields: Omit<OutboxEntry, 'id' | 'headers'>): OutboxEntry {
  return {
    id: uuidV7(context.now.getTime(), context.random),
    headers: {
      ...(context.requestId && { 'x-request-id': context.requestId }),
      // The change's own instant (the payload's changedAt / confirmedAt), not the row's
      // created_at, which is the transaction's start: the relay's headers give way to these.
      ...(fields.kind === 'event' && { ce_time: context.now.toISOString() }),
    },
    ...fields,
  };
}

export function statusChangedEvent(
  context: OutboxContext,
  reservation: ReservationView,
  change: { from: ReservationStatusChanged['from']; to: ReservationStatusChanged['to']; reason: string | null; actor: string },
): OutboxEntry {
  const payload: ReservationStatusChanged = reservationStatusChangedSchema.parse({
    reservationId: reservation.id,
    confirmationCode: reservation.confirmationCode,
    from: change.from,
    to: change.to,
    rev: reservation.rev,
    reason: change.reason,
    actor: change.actor,
    changedAt: context.now.toISOString(),
  });
  return entry(context, {
    kind: 'event',
    aggregateId: reservation.id,
    type: EVENT_TYPES.reservationStatusChanged,
    destination: TOPICS.reservationStatusChanged,
    payload,
  });
}

export function reservationCreatedEvent(
  context: OutboxContext,
  reservation: ReservationView,
  participantIds: string[],
): OutboxEntry {
  const payload: ReservationCreated = reservationCreatedSchema.parse({
    reservationId: reservation.id,
    confirmationCode: reservation.confirmationCode,
    guestId: reservation.guestId,
    tripId: reservation.tripId,
    tripDate: reservation.tripDate,
    reservationDate: reservation.reservationDate,
    partySize: reservation.partySize,
    participantIds,
    partnerId: reservation.partnerId,
    partnerReference: reservation.partnerReference,
    status: reservation.status,
    rev: reservation.rev,
    confirmedAt: context.now.toISOString(),
  });
  return entry(context, {
    kind: 'event',
    aggregateId: reservation.id,
    type: EVENT_TYPES.reservationCreated,
    destination: TOPICS.reservationCreated,
    payload,
  });
}

export function personalDataErasedEvent(
  context: OutboxContext,
  erasure: { id: string; guestId: string | null; scope: 'reservation' | 'participant'; rev: number; actor: string },
): OutboxEntry {
  const payload: ReservationPersonalDataErased = reservationPersonalDataErasedSchema.parse({
    reservationId: erasure.id,
    guestId: erasure.guestId,
    scope: erasure.scope,
    rev: erasure.rev,
    actor: erasure.actor,
    erasedAt: context.now.toISOString(),
  });
  return entry(context, {
    kind: 'event',
    aggregateId: erasure.id,
    type: EVENT_TYPES.reservationPersonalDataErased,
    destination: TOPICS.reservationPersonalDataErased,
    payload,
  });
}

export function notification(
  context: OutboxContext,
  template: NotificationTemplate,
  reservation: ReservationView,
  data: Record<string, unknown>,
): OutboxEntry {
  return entry(context, {
    kind: 'notification',
    aggregateId: reservation.id,
    type: `notification.${template}`,
    destination: template,
    payload: {
      template,
      recipient: { email: reservation.contactEmail },
      reservationId: reservation.id,
      data: { confirmationCode: reservation.confirmationCode, tripDate: reservation.tripDate, ...data },
    },
  });
}

/** A notification to a contact whose personal data was erased has nobody to go to. */
const hasRecipient = (message: OutboxEntry): boolean =>
  message.kind !== 'notification' || (message.payload.recipient as { email?: string } | undefined)?.email !== ERASED_MARKER;

export async function enqueue(tx: Prisma.TransactionClient, all: OutboxEntry[]): Promise<void> {
  const entries = all.filter(hasRecipient);
  if (entries.length === 0) return;
  await tx.outboxMessage.createMany({
    data: entries.map((message) => ({
      id: message.id,
      kind: message.kind,
      aggregateType: 'reservation',
      aggregateId: message.aggregateId,
      type: message.type,
      destination: message.destination,
      payload: message.payload as Prisma.InputJsonObject,
      headers: message.headers,
    })),
  });
}
