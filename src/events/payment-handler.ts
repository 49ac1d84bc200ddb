import type { KafkaMessage } from 'kafkajs';
import type { AppDeps } from '../app/deps.js';
import { changeReservationIn } from '../app/unit-of-work.js';
import { findReservations } from '../db/reservation-repository.js';
import type { PaymentProcessed } from './contracts.js';
import type { DeadLetterSink, DeadLetterSource } from './dead-letter-sink.js';
import { type ProcessedMessage as Processed, type ProcessingPolicy, processToTheEnd } from './message-processing.js';
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

export type { ProcessingPolicy };
export type ProcessedMessage = Processed<PaymentOutcome>;

/**
 * Handles one `payment.processed` message to its end: handled, or durably dead-lettered (see
 * processToTheEnd).
 */
export function processPaymentMessage(
  deps: AppDeps,
  sink: DeadLetterSink,
  source: DeadLetterSource,
  policy: ProcessingPolicy,
): Promise<ProcessedMessage> {
  return processToTheEnd(deps.prisma, sink, source, policy, () => handlePaymentMessage(deps, source.topic, source.message));
}
