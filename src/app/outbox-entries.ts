import { ERASED_MARKER, type RandomBytes, uuidV7 } from '../domain/index.js';
import {
  PUBLISHED_EVENT_TYPES as EVENT_TYPES,
  type NotificationTemplate,
  type ReservationCreated,
  type ReservationPersonalDataErased,
  type ReservationStatusChanged,
  reservationCreatedSchema,
  reservationPersonalDataErasedSchema,
  reservationStatusChangedSchema,
  PUBLISHED_TOPICS as TOPICS,
} from './published-events.js';
import type { ReservationView } from './views.js';

/**
 * What a change promises to the outside world, written in the change's own transaction: events
 * for Kafka and notifications for svc-notifications. The relay delivers them after commit.
 * Pure builders: the use cases hand the entries to the unit of work's outbox (ports.ts).
 */

export interface OutboxEntry {
  /** The event id (CloudEvents `ce_id`), also the notification's idempotency key. */
  id: string;
  kind: 'event' | 'notification';
  aggregateId: string;
  type: string;
  /** A Kafka topic, or a notification template. */
  destination: string;
  payload: Record<string, unknown>;
  headers: Record<string, string>;
}

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
export const hasRecipient = (message: OutboxEntry): boolean =>
  message.kind !== 'notification' || (message.payload.recipient as { email?: string } | undefined)?.email !== ERASED_MARKER;
