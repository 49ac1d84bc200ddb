import type { AppDeps } from './deps.js';
import type { Transaction } from './ports.js';
import { changeReservationIn } from './unit-of-work.js';
import type { ReservationKey } from './views.js';

/**
 * Settlement of a deposit, as `payment.processed` reports it (the consumer in
 * src/events/payment-handler.ts reads the message and calls this). A successful deposit settles
 * it and confirms a PENDING reservation (a real transition, with its history row and events). The
 * message id goes into the inbox in the same transaction as the effect, and only for a handled
 * message: a redelivery of a handled message changes nothing, while a dead-lettered one leaves no
 * inbox row, so its replay is handled for real.
 */

export type PaymentOutcome =
  | { kind: 'confirmed' | 'settled' | 'declined' | 'ignored' | 'duplicate' }
  | { kind: 'dead-letter'; reason: string };

/** What the use case reads of a processed payment (the event's validated payload). */
export interface ProcessedPayment {
  paymentId: string;
  kind: 'DEPOSIT' | 'BALANCE' | 'REFUND';
  status: 'SUCCEEDED' | 'FAILED';
}

export interface PaymentNotice {
  /** The message's event id: the inbox key. */
  messageId: string;
  topic: string;
  reservation: ReservationKey;
  payment: ProcessedPayment;
}

/** Rolls the transaction (and its inbox row) back when the message turns out to be a dead letter. */
class RolledBackAsDeadLetter extends Error {}

export async function settlePayment(deps: AppDeps, notice: PaymentNotice): Promise<PaymentOutcome> {
  try {
    return await deps.store.transaction(async (tx) => {
      // Claimed first: a concurrent delivery of the same id waits on it, then finds it.
      if (!(await tx.claimMessage(notice.messageId, notice.topic.slice(0, 255)))) return { kind: 'duplicate' } as const;
      const outcome = await applyPayment(tx, deps, notice.reservation, notice.payment);
      if (outcome.kind === 'dead-letter') throw new RolledBackAsDeadLetter(outcome.reason);
      await tx.recordMessageOutcome(notice.messageId, outcome.kind);
      return outcome;
    });
  } catch (error) {
    if (error instanceof RolledBackAsDeadLetter) return { kind: 'dead-letter', reason: error.message };
    throw error;
  }
}

async function applyPayment(
  tx: Transaction,
  deps: AppDeps,
  key: ReservationKey,
  payment: ProcessedPayment,
): Promise<PaymentOutcome> {
  const [current] = await tx.findReservations([key]);
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
