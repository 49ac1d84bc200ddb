import type { IHeaders } from 'kafkajs';
import { parseUuid, reservationDateOfId } from '../domain/index.js';
import { readCloudEvent } from './cloud-event.js';
import { PAYMENT_PROCESSED_ATTRIBUTES, type PaymentProcessed, paymentProcessedSchema } from './contracts.js';

/**
 * Reads a consumed `payment.processed` message: its CloudEvents headers first (a message that is
 * not this contract is never looked into), then its value. Pure: whatever the bytes, it answers a
 * payment or the reason to dead-letter the message; it never throws.
 */

export interface PaymentMessage {
  eventId: string;
  payment: PaymentProcessed;
  key: { id: string; reservationDate: string };
}

export type ReadPayment = { ok: true; message: PaymentMessage } | { ok: false; reason: string };

export function readPaymentMessage(message: { headers?: IHeaders | undefined; value: Buffer | null }): ReadPayment {
  const read = readCloudEvent(message, PAYMENT_PROCESSED_ATTRIBUTES);
  if (!read.ok) return read;
  const parsed = paymentProcessedSchema.safeParse(read.body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    return { ok: false, reason: `payload does not match payment.processed: ${issues}` };
  }
  const id = parseUuid(parsed.data.reservationId);
  const reservationDate = id ? reservationDateOfId(id) : null;
  if (!id || !reservationDate) return { ok: false, reason: `unknown reservation ${parsed.data.reservationId}` };
  return { ok: true, message: { eventId: read.eventId, payment: parsed.data, key: { id, reservationDate } } };
}
