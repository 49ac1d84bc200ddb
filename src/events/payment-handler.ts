import type { KafkaMessage } from 'kafkajs';
import type { AppDeps } from '../app/deps.js';
import { type PaymentOutcome, settlePayment } from '../app/settle-payment.js';
import type { Db } from '../db/rows.js';
import type { DeadLetterSink, DeadLetterSource } from './dead-letter-sink.js';
import { type ProcessedMessage as Processed, type ProcessingPolicy, processToTheEnd } from './message-processing.js';
import { readPaymentMessage } from './payment-message.js';

/**
 * What one `payment.processed` message does: read and checked here (payment-message.ts), then
 * settled by the use case (src/app/settle-payment.ts), which writes the inbox row with the effect.
 */

export type { PaymentOutcome };

export async function handlePaymentMessage(
  deps: AppDeps,
  topic: string,
  message: Pick<KafkaMessage, 'headers' | 'value'>,
): Promise<PaymentOutcome> {
  const read = readPaymentMessage({ headers: message.headers, value: message.value });
  if (!read.ok) return { kind: 'dead-letter', reason: read.reason };
  const { eventId, payment, key } = read.message;
  return settlePayment(deps, { messageId: eventId, topic, reservation: key, payment });
}

/** The use cases' deps, and the database the dead letters and the consumer's health checks use. */
export type EventDeps = AppDeps & { db: Db };

export type { ProcessingPolicy };
export type ProcessedMessage = Processed<PaymentOutcome>;

/**
 * Handles one `payment.processed` message to its end: handled, or durably dead-lettered (see
 * processToTheEnd).
 */
export function processPaymentMessage(
  deps: EventDeps,
  sink: DeadLetterSink,
  source: DeadLetterSource,
  policy: ProcessingPolicy,
): Promise<ProcessedMessage> {
  return processToTheEnd(deps.db, sink, source, policy, () => handlePaymentMessage(deps, source.topic, source.message));
}
