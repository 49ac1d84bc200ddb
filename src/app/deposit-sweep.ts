import { assertTransition, DomainError, isoDateOf, StaleRevisionError } from '../domain/index.js';
import { requestDeposit } from './deposit.js';
import type { AppDeps } from './deps.js';
import type { AppLogger as Logger, Trip } from './outbound.js';
import { type RecurringJob, recurring } from './recurring.js';
import { changeReservation } from './unit-of-work.js';

export interface DepositSweepOptions {
  /** A PENDING reservation without a payment this old gets its deposit asked for again. */
  retryAfterMs: number;
  /** A PENDING reservation this old expires: its deposit never settled in time. */
  holdMs: number;
  /** Booking dates looked at (partitions scanned); must cover the hold with room to spare. */
  lookbackDays: number;
  batchSize: number;
}

export interface DepositSweepReport {
  retried: number;
  declined: number;
  stillFailing: number;
  expired: number;
}

const SYSTEM = { kind: 'system', id: 'deposit-sweep' } as const;

/**
 * Gives every reservation its deposit decision in the end (docs/adr/0006):
 * 1. a booking whose deposit request failed (payments down or too slow) is asked again, under the
 *    same idempotency key (the reservation id), so a request that did reach payments is not
 *    charged twice; a decline cancels it as at booking time;
 * 2. a PENDING hold whose deposit has not settled after `holdMs` is EXPIRED, with its history and
 *    events (svc-payments releases any authorisation on `reservation.status_changed` to EXPIRED).
 * Safe on several instances at once: payments deduplicates, and every change is `_rev` guarded.
 */
export async function sweepDeposits(deps: AppDeps, options: DepositSweepOptions, logger: Logger): Promise<DepositSweepReport> {
  const report: DepositSweepReport = { retried: 0, declined: 0, stillFailing: 0, expired: 0 };
  const now = deps.clock();

  if (deps.outbound) {
    const unpaid = await deps.store.findPendingHolds({
      createdBefore: new Date(now.getTime() - options.retryAfterMs),
      lookbackDays: options.lookbackDays,
      withoutPayment: true,
      limit: options.batchSize,
    });
    const fresh = unpaid.filter((reservation) => now.getTime() - reservation.createdAt.getTime() < options.holdMs);
    let trips = new Map<string, Trip>();
    try {
      if (fresh.length > 0) trips = await deps.outbound.trips(fresh.map((reservation) => reservation.tripId));
    } catch (error) {
      // The catalog is down: no retry this round, but overdue holds still expire below.
      if (!(error instanceof DomainError && error.code === 'DEPENDENCY_FAILED')) throw error;
      report.stillFailing += fresh.length;
    }
    for (const reservation of fresh) {
      const trip = trips.get(reservation.tripId);
      if (!trip) continue;
      try {
        await requestDeposit({ ...deps, outbound: deps.outbound }, reservation, trip);
        report.retried++;
      } catch (error) {
        if (error instanceof DomainError && error.code === 'PAYMENT_DECLINED') {
          report.declined++;
        } else if (error instanceof DomainError && error.code === 'DEPENDENCY_FAILED') {
          // Payments is still down (or its breaker open): the next sweep tries again.
          report.stillFailing++;
          break;
        } else if (!(error instanceof StaleRevisionError)) {
          throw error;
        }
      }
    }
  }

  const overdue = await deps.store.findPendingHolds({
    createdBefore: new Date(now.getTime() - options.holdMs),
    lookbackDays: options.lookbackDays,
    limit: options.batchSize,
  });
  const hours = Math.round((options.holdMs / 3_600_000) * 10) / 10;
  for (const reservation of overdue) {
    try {
      await changeReservation(deps, { key: reservation, expectedRev: reservation.rev, actor: SYSTEM }, (current, _tx, at) => ({
        changes: {
          status: assertTransition(current.status, 'expire', {
            today: isoDateOf(at),
            tripDate: current.tripDate,
          }),
        },
        statusReason: `deposit not settled within the ${hours} h hold`,
      }));
      report.expired++;
    } catch (error) {
      // Confirmed, cancelled or changed meanwhile: it is no longer an overdue hold.
      if (!(error instanceof StaleRevisionError) && !(error instanceof DomainError && error.code === 'INVALID_TRANSITION'))
        throw error;
    }
  }

  if (report.retried + report.declined + report.stillFailing + report.expired > 0) logger.info(report, 'deposit sweep');
  return report;
}

/** Runs the sweep every `intervalMs` (not at start: a booking in flight is not overdue). */
export function scheduleDepositSweep(
  deps: AppDeps,
  options: DepositSweepOptions & { intervalMs: number },
  logger: Logger,
): RecurringJob<DepositSweepReport> {
  return recurring(() => sweepDeposits(deps, options, logger), {
    intervalMs: options.intervalMs,
    onError: (error) => logger.error({ err: error }, 'deposit sweep failed; it will run again'),
  });
}
