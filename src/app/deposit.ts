import { assertTransition, DependencyFailedError, isoDateOf, PaymentDeclinedError } from '../domain/index.js';
import type { AppDeps } from './deps.js';
import type { DepositResult, OutboundServices, Trip } from './outbound.js';
import { changeReservation } from './unit-of-work.js';
import type { ReservationView } from './views.js';

/**
 * The deposit of a new reservation, asked of payments after the reservation is committed (never a
 * charge without a reservation) under the reservation id as idempotency key (never two charges):
 * - accepted (PROCESSING or SETTLED): the payment id is recorded; `payment.processed` settles the
 *   deposit and confirms the reservation;
 * - DECLINED: the reservation is CANCELLED ("deposit declined") and the caller gets
 *   PAYMENT_DECLINED with its id;
 * - payments down or too slow: the reservation stays PENDING with no payment id, the caller gets
 *   DEPENDENCY_FAILED with its id; a retry with the same idempotency key asks again; a hold that
 *   never settles expires.
 * See docs/adr/0006-calls-to-other-services.md.
 */
export async function requestDeposit(
  deps: AppDeps & { outbound: OutboundServices },
  reservation: ReservationView,
  trip: Trip,
): Promise<ReservationView> {
  const details = { reservationId: reservation.id };
  let result: DepositResult;
  try {
    result = await deps.outbound.chargeDeposit({
      reservationId: reservation.id,
      guestId: reservation.guestId,
      amountCents: trip.depositCents * reservation.partySize,
      currency: trip.currency,
    });
  } catch (error) {
    if (!(error instanceof DependencyFailedError)) throw error;
    const pending = new DependencyFailedError(error.dependency, {
      cause: error,
      message:
        'The reservation was booked and is PENDING, but the payments service did not answer for its deposit. ' +
        'Retry with the same idempotency key, or let it be: the deposit is asked for again shortly.',
    });
    pending.details = details;
    throw pending;
  }

  if (result.status === 'DECLINED') {
    await changeReservation(
      deps,
      { key: reservation, expectedRev: reservation.rev, actor: { kind: 'service', id: 'svc-payments' } },
      (current, _tx, now) => ({
        changes: {
          status: assertTransition(current.status, 'cancel', { today: isoDateOf(now), tripDate: current.tripDate }),
          depositStatus: 'DECLINED',
          paymentId: result.paymentId,
        },
        statusReason: `deposit declined${result.declineReason ? `: ${result.declineReason}` : ''}`,
      }),
    );
    const declined = new PaymentDeclinedError(
      `The deposit was declined${result.declineReason ? ` (${result.declineReason})` : ''}.`,
    );
    declined.details = details;
    throw declined;
  }

  // Bookkeeping of this same booking, not a change a client could conflict with: _rev stays.
  const updated = await deps.store.recordPaymentId(reservation, result.paymentId);
  if (updated) return updated;
  const [current] = await deps.store.findReservations([reservation]);
  return current ?? reservation;
}
