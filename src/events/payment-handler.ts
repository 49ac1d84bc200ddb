import type { KafkaMessage } from 'kafkajs';
import type { AppDeps } from '../app/deps.js';
import { type PaymentOutcome, settlePayment } from '../app/settle-payment.js';
import { databaseAnswers } from '../db/dead-letter-repository.js';
import type { Db } from '../db/rows.js';
import type { DeadLetterSink, DeadLetterSource, DeadLetterStore } from './dead-letter-sink.js';
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

export interface ProcessingPolicy {
  /** Attempts at a message whose handling throws (a lost race, a passing database error). */
  attempts: number;
  /** Backoff before the second attempt, doubled after each. */
  backoffMs: number;
  /** Called while waiting, so the consumer group does not drop a member that is retrying. */
  heartbeat?: () => Promise<void>;
}

export type ProcessedMessage = { outcome: PaymentOutcome; store?: DeadLetterStore };

/**
 * Handles one message to its end: handled, or durably dead-lettered. A message whose handling
 * keeps throwing while the database answers fails by itself (a value PostgreSQL refuses, say):
 * it is dead-lettered with the error, so no single message stops the consumer. While the
 * database does not answer, it throws: the offset stays uncommitted and the message comes again.
 */
export async function processPaymentMessage(
  deps: EventDeps,
  sink: DeadLetterSink,
  source: DeadLetterSource,
  policy: ProcessingPolicy,
): Promise<ProcessedMessage> {
  let outcome: PaymentOutcome | null = null;
  for (let attempt = 1; !outcome; attempt++) {
    try {
      outcome = await handlePaymentMessage(deps, source.topic, source.message);
    } catch (error) {
      if (attempt < policy.attempts) {
        await pause(policy.backoffMs * 2 ** (attempt - 1), policy.heartbeat);
        continue;
      }
      if (!(await databaseAnswers(deps.db))) throw error;
      const detail = error instanceof Error ? error.message : String(error);
      outcome = { kind: 'dead-letter', reason: `processing failed ${attempt} times: ${detail}`.slice(0, 1000) };
    }
  }
  if (outcome.kind !== 'dead-letter') return { outcome };
  return { outcome, store: await sink.store(source, outcome.reason) };
}

async function pause(ms: number, heartbeat?: () => Promise<void>): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, until - Date.now())));
    await heartbeat?.().catch(() => {});
  }
}
