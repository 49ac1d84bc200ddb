import { z } from 'zod';
import { RESERVATION_STATUSES } from '../domain/index.js';

/**
 * What this service promises to publish: the topics, CloudEvents types and payload schemas of its
 * own events, and the notification templates. The use cases build outbox entries from these
 * (outbox-entries.ts) inside their transaction; src/events re-exports them with the consumed
 * contracts, maps them onto Kafka (headers, producer) and writes them as JSON Schema
 * (`npm run events:schemas`). The topic is part of the contract: an outbox row records it when the
 * change is committed, and the relay publishes to it.
 */

export const PUBLISHED_TOPICS = {
  reservationCreated: 'novatrek.booking.reservation.created',
  reservationStatusChanged: 'novatrek.booking.reservation.status-changed',
  reservationPersonalDataErased: 'novatrek.booking.reservation.personal-data-erased',
} as const;

export const PUBLISHED_EVENT_TYPES = {
  reservationCreated: 'reservation.created',
  reservationStatusChanged: 'reservation.status_changed',
  reservationPersonalDataErased: 'reservation.personal-data-erased',
} as const;

const status = z.enum(RESERVATION_STATUSES);
const isoDate = z.iso.date();
export const instant = z.iso.datetime({ offset: true });

export const reservationCreatedSchema = z
  .object({
    reservationId: z.uuid(),
    confirmationCode: z.string().min(1),
    guestId: z.uuid(),
    tripId: z.uuid(),
    tripDate: isoDate,
    reservationDate: isoDate,
    partySize: z.int().min(1),
    participantIds: z.array(z.uuid()),
    partnerId: z.string().nullable(),
    partnerReference: z.string().nullable(),
    status,
    rev: z.int().min(1),
    confirmedAt: instant,
  })
  .meta({ title: 'reservation.created', description: 'A new reservation was confirmed (its first PENDING → CONFIRMED).' });

export const reservationStatusChangedSchema = z
  .object({
    reservationId: z.uuid(),
    confirmationCode: z.string().min(1),
    from: status.nullable().describe('null for the creation of the reservation'),
    to: status,
    rev: z.int().min(1).describe('the reservation revision after the change'),
    reason: z.string().nullable(),
    actor: z.string().min(1),
    changedAt: instant,
  })
  .meta({ title: 'reservation.status_changed', description: 'A reservation moved from one status to another.' });

export const reservationPersonalDataErasedSchema = z
  .object({
    reservationId: z.uuid(),
    guestId: z.uuid().nullable().describe('the guest whose erasure this was; null for retention (all of the reservation)'),
    scope: z
      .enum(['reservation', 'participant'])
      .describe('reservation: all personal data of the reservation; participant: the guest’s own participant rows only'),
    rev: z.int().min(1).describe('the reservation revision after the erasure'),
    actor: z.string().min(1),
    erasedAt: instant,
  })
  .meta({
    title: 'reservation.personal-data-erased',
    description: 'Personal data of a reservation was erased; consumers erase their copies (names, contact, notes, reasons).',
  });

export type ReservationCreated = z.infer<typeof reservationCreatedSchema>;
export type ReservationStatusChanged = z.infer<typeof reservationStatusChangedSchema>;
export type ReservationPersonalDataErased = z.infer<typeof reservationPersonalDataErasedSchema>;

export const NOTIFICATION_TEMPLATES = ['booking_confirmation', 'status_update', 'insurance_confirmation'] as const;
export type NotificationTemplate = (typeof NOTIFICATION_TEMPLATES)[number];
