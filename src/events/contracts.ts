import { z } from 'zod';
import {
  PUBLISHED_EVENT_TYPES,
  PUBLISHED_TOPICS,
  reservationCreatedSchema,
  reservationPersonalDataErasedSchema,
  reservationStatusChangedSchema,
} from '../app/published-events.js';

/**
 * The events this service produces and consumes, as zod schemas: the code validates with them, and
 * `npm run events:schemas` writes them as JSON Schema to docs/events/ (referenced by
 * docs/asyncapi.yaml). A test fails when the files and these schemas disagree.
 */

export const TOPICS = {
  ...PUBLISHED_TOPICS,
  paymentProcessed: 'novatrek.support.payment.processed',
  paymentProcessedDeadLetter: 'novatrek.support.payment.processed.dlq',
  /** Assumed contract of svc-guest-profiles (docs/asyncapi.yaml). */
  guestErased: 'novatrek.guest.profile.erased',
  guestErasedDeadLetter: 'novatrek.guest.profile.erased.dlq',
} as const;

export const EVENT_TYPES = {
  ...PUBLISHED_EVENT_TYPES,
  paymentProcessed: 'payment.processed',
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

const instant = z.iso.datetime({ offset: true });

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

export const guestErasedSchema = z
  .object({
    guestId: z.uuid(),
    erasedAt: instant,
  })
  .meta({
    title: 'guest.erased',
    description: 'svc-guest-profiles erased a guest (assumed contract; consumed by svc-reservations).',
  });

export type PaymentProcessed = z.infer<typeof paymentProcessedSchema>;

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
