import { z } from 'zod';

/**
 * The events this service produces and consumes, as zod schemas: the code validates with them, and
 * `npm run events:schemas` writes them as JSON Schema to docs/events/ (referenced by
 * docs/asyncapi.yaml). A test fails when the files and these schemas disagree.
 */

export const TOPICS = {
  reservationCreated: 'novatrek.booking.reservation.created',
  reservationStatusChanged: 'novatrek.booking.reservation.status-changed',
  paymentProcessed: 'novatrek.support.payment.processed',
  paymentProcessedDeadLetter: 'novatrek.support.payment.processed.dlq',
  reservationPersonalDataErased: 'novatrek.booking.reservation.personal-data-erased',
  /** Assumed contract of svc-guest-profiles (docs/asyncapi.yaml). */
  guestErased: 'novatrek.guest.profile.erased',
  guestErasedDeadLetter: 'novatrek.guest.profile.erased.dlq',
} as const;

export const EVENT_TYPES = {
  reservationCreated: 'reservation.created',
  reservationStatusChanged: 'reservation.status_changed',
  paymentProcessed: 'payment.processed',
  reservationPersonalDataErased: 'reservation.personal-data-erased',
  guestErased: 'guest.erased',
} as const;

/** CloudEvents `source` of everything this service emits. */
export const EVENT_SOURCE = 'urn:novatrek:booking:svc-reservations';

/**
 * What a consumed `payment.processed` message must say in its CloudEvents headers (binary mode):
 * anything else is not this contract and is dead-lettered. The contract names no `ce_source`, so
 * any non-empty one is accepted.
 */
export const PAYMENT_PROCESSED_ATTRIBUTES = {
  specversion: '1.0',
  type: EVENT_TYPES.paymentProcessed,
  contentType: 'application/json',
} as const;

/** What a consumed `guest.erased` message must say in its CloudEvents headers. */
export const GUEST_ERASED_ATTRIBUTES = {
  specversion: '1.0',
  type: EVENT_TYPES.guestErased,
  contentType: 'application/json',
} as const;

const status = z.enum(['PENDING', 'CONFIRMED', 'CHECKED_IN', 'COMPLETED', 'CANCELLED', 'NO_SHOW', 'EXPIRED']);
const isoDate = z.iso.date();
const instant = z.iso.datetime({ offset: true });

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

export const paymentProcessedSchema = z
  .object({
    // Stored as the reservation's payment id: no control characters (PostgreSQL refuses NUL).
    paymentId: z
      .string()
      .min(1)
      .max(64)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
      .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters'),
    reservationId: z.uuid(),
    kind: z.enum(['DEPOSIT', 'BALANCE', 'REFUND']),
    status: z.enum(['SUCCEEDED', 'FAILED']),
    amountCents: z.int().min(0),
    currency: z.string().regex(/^[A-Z]{3}$/),
    processedAt: instant,
  })
  .meta({ title: 'payment.processed', description: 'svc-payments processed a payment (consumed by svc-reservations).' });

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

export const guestErasedSchema = z
  .object({
    guestId: z.uuid(),
    erasedAt: instant,
  })
  .meta({
    title: 'guest.erased',
    description: 'svc-guest-profiles erased a guest (assumed contract; consumed by svc-reservations).',
  });

export type ReservationCreated = z.infer<typeof reservationCreatedSchema>;
export type ReservationStatusChanged = z.infer<typeof reservationStatusChangedSchema>;
export type PaymentProcessed = z.infer<typeof paymentProcessedSchema>;
export type ReservationPersonalDataErased = z.infer<typeof reservationPersonalDataErasedSchema>;
export type GuestErased = z.infer<typeof guestErasedSchema>;

export const EVENT_SCHEMAS = {
  'reservation.created': reservationCreatedSchema,
  'reservation.status_changed': reservationStatusChangedSchema,
  'payment.processed': paymentProcessedSchema,
  'reservation.personal-data-erased': reservationPersonalDataErasedSchema,
  'guest.erased': guestErasedSchema,
} as const;

export function jsonSchemaOf(name: keyof typeof EVENT_SCHEMAS): Record<string, unknown> {
  return {
    $id: `https://schemas.novatrek.example/booking/${name}.schema.json`,
    ...z.toJSONSchema(EVENT_SCHEMAS[name], { target: 'draft-2020-12' }),
  };
}

export const NOTIFICATION_TEMPLATES = ['booking_confirmation', 'status_update', 'insurance_confirmation'] as const;
export type NotificationTemplate = (typeof NOTIFICATION_TEMPLATES)[number];
