import type { KafkaMessage } from 'kafkajs';
import type { AppDeps } from '../app/deps.js';
import { changeReservationIn } from '../app/unit-of-work.js';
import { databaseAnswers } from '../db/dead-letter-repository.js';
import { findReservations } from '../db/reservation-repository.js';
import type { PaymentProcessed } from './contracts.js';
import type { DeadLetterSink, DeadLetterSource, DeadLetterStore } from './dead-letter-sink.js';
import { readPaymentMessage } from './payment-message.js';

/**
 * What one `payment.processed` message does. A successful deposit settles it and confirms a
 * PENDING reservation (a real transition, with its history row and events). The event id goes
 * into the inbox in the same transaction as the effect, and only for a handled message: a
 * redelivery of a handled message changes nothing, while a dead-lettered one leaves no inbox row,
 * so its replay is handled for real.
 */

export type PaymentOutcome =
  | { kind: 'confirmed' | 'settled' | 'declined' | 'ignored' | 'duplicate' }
  | { kind: 'dead-letter'; reason: string };

/** Rolls the transaction (and its inbox row) back when the message turns out to be a dead letter. */
class RolledBackAsDeadLetter extends Error {}

type Tx = Parameters<Parameters<AppDeps['prisma']['$transaction']>[0]>[0];

export async function handlePaymentMessage(
  deps: AppDeps,
  topic: string,
  message: Pick<KafkaMessage, 'headers' | 'value'>,
): Promise<PaymentOutcome> {
  const read = readPaymentMessage({ headers: message.headers, value: message.value });
  if (!read.ok) return { kind: 'dead-letter', reason: read.reason };
  const { eventId, payment, key } = read.message;
  try {
    return await deps.prisma.$transaction(async (tx) => {
      // Inserted first: a concurrent delivery of the same id waits on it, then finds it.
      const inbox = await tx.processedMessage.createMany({
        data: [{ messageId: eventId, topic: topic.slice(0, 255), outcome: 'processing' }],
        skipDuplicates: true,
      });
      if (inbox.count === 0) return { kind: 'duplicate' } as const;
      const outcome = await applyPayment(tx, deps, key, payment);
      if (outcome.kind === 'dead-letter') throw new RolledBackAsDeadLetter(outcome.reason);
      await tx.processedMessage.update({ where: { messageId: eventId }, data: { outcome: outcome.kind } });
      return outcome;
    }, deps.transactionOptions);
  } catch (error) {
    if (error instanceof RolledBackAsDeadLetter) return { kind: 'dead-letter', reason: error.message };
    throw error;
  }
}

async function applyPayment(
  tx: Tx,
  deps: AppDeps,
  key: { id: string; reservationDate: string },
  payment: PaymentProcessed,
): Promise<PaymentOutcome> {
  const [current] = await findReservations(tx, [key]);
  if (!current) return { kind: 'dead-letter', reason: `unknown reservation ${key.id}` };
  if (payment.kind !== 'DEPOSIT') return { kind: 'ignored' };
  const actor = { kind: 'service', id: 'svc-payments' } as const;
  if (payment.status === 'FAILED') {
    if (current.depositStatus !== 'PENDING') return { kind: 'ignored' };
    await changeReservationIn(tx, deps, { key, expectedRev: current.rev, actor }, () => ({
      changes: { depositStatus: 'DECLINED', paymentId: payment.paymentId },
    }));
    return { kind: 'declined' };
  }
  if (current.depositStatus === 'SETTLED') return { kind: 'ignored' };
  const confirm = current.status === 'PENDING';
  await changeReservationIn(tx, deps, { key, expectedRev: current.rev, actor }, (_current, _tx, now) => ({
    changes: {
      depositStatus: 'SETTLED',
      paymentId: payment.paymentId,
      depositSettledAt: now,
      ...(confirm && { status: 'CONFIRMED' as const }),
    },
    statusReason: confirm ? `deposit settled (payment ${payment.paymentId})` : null,
  }));
  return { kind: confirm ? 'confirmed' : 'settled' };
}

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
  deps: AppDeps,
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
      if (!(await databaseAnswers(deps.prisma))) throw error;
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
