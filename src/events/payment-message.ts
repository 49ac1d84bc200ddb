import type { IHeaders } from 'kafkajs';
import { parseUuid, reservationDateOfId } from '../domain/index.js';
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

const utf8 = new TextDecoder('utf-8', { fatal: true });
const CONTROL = /\p{Cc}/u;
const MAX_EVENT_ID = 128;
const MAX_SOURCE = 1_024;

/** One header's text; a repeated header, invalid UTF-8 or control characters are refused. */
function single(headers: IHeaders | undefined, name: string): { text: string | null; problem?: string } {
  const value = headers?.[name];
  if (value === undefined) return { text: null };
  if (Array.isArray(value) && value.length !== 1) return { text: null, problem: `${name} header is repeated` };
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return { text: null };
  let text: string;
  try {
    text = typeof first === 'string' ? first : utf8.decode(first);
  } catch {
    return { text: null, problem: `${name} header is not UTF-8` };
  }
  if (CONTROL.test(text)) return { text: null, problem: `${name} header contains control characters` };
  return { text };
}

/** `application/json`, optionally with `charset=utf-8` (media types are case-insensitive). */
function isJsonContentType(value: string): boolean {
  const [type, ...parameters] = value.split(';').map((part) => part.trim().toLowerCase());
  return type === PAYMENT_PROCESSED_ATTRIBUTES.contentType && parameters.every((p) => p.replace(/\s/g, '') === 'charset=utf-8');
}

/** Why these headers are not a `payment.processed` CloudEvent we accept, or null when they are. */
export function headerProblem(headers: IHeaders | undefined): string | null {
  const specversion = single(headers, 'ce_specversion');
  const type = single(headers, 'ce_type');
  const contentType = single(headers, 'content-type');
  const id = single(headers, 'ce_id');
  const source = single(headers, 'ce_source');
  const problem = [specversion, type, contentType, id, source].find((header) => header.problem)?.problem;
  if (problem) return problem;
  const show = (text: string | null) => (text === null ? 'missing' : JSON.stringify(text.slice(0, 100)));
  if (specversion.text !== PAYMENT_PROCESSED_ATTRIBUTES.specversion)
    return `ce_specversion is ${show(specversion.text)}, expected "${PAYMENT_PROCESSED_ATTRIBUTES.specversion}"`;
  if (type.text !== PAYMENT_PROCESSED_ATTRIBUTES.type)
    return `ce_type is ${show(type.text)}, expected "${PAYMENT_PROCESSED_ATTRIBUTES.type}"`;
  if (contentType.text === null || !isJsonContentType(contentType.text))
    return `content-type is ${show(contentType.text)}, expected "${PAYMENT_PROCESSED_ATTRIBUTES.contentType}"`;
  if (!id.text || id.text.length > MAX_EVENT_ID) return `ce_id is ${id.text ? 'longer than 128 characters' : 'missing or empty'}`;
  if (!source.text || source.text.length > MAX_SOURCE) return `ce_source is ${source.text ? 'too long' : 'missing or empty'}`;
  return null;
}

export function readPaymentMessage(message: { headers?: IHeaders | undefined; value: Buffer | null }): ReadPayment {
  const problem = headerProblem(message.headers);
  if (problem) return { ok: false, reason: problem };
  const eventId = single(message.headers, 'ce_id').text as string;
  if (!message.value) return { ok: false, reason: 'value is missing' };
  let body: unknown;
  try {
    body = JSON.parse(utf8.decode(message.value));
  } catch {
    return { ok: false, reason: 'value is not JSON' };
  }
  const parsed = paymentProcessedSchema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    return { ok: false, reason: `payload does not match payment.processed: ${issues}` };
  }
  const id = parseUuid(parsed.data.reservationId);
  const reservationDate = id ? reservationDateOfId(id) : null;
  if (!id || !reservationDate) return { ok: false, reason: `unknown reservation ${parsed.data.reservationId}` };
  return { ok: true, message: { eventId, payment: parsed.data, key: { id, reservationDate } } };
}
