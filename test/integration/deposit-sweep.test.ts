import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type DepositSweepOptions, sweepDeposits } from '../../src/app/deposit-sweep.js';
import { createLogger } from '../../src/observability/logger.js';
import { CREATE, reservationInput } from '../support/factories.js';
import { useService } from '../support/service.js';

/**
 * Every reservation gets its deposit decision in the end: failed deposit requests are asked again,
 * overdue holds expire (src/app/deposit-sweep.ts, docs/adr/0006-calls-to-other-services.md).
 */
// A short cool-down: the breaker opened by one test must not carry over into the next.
const test = useService({ BREAKER_COOL_DOWN_MS: '100' });
const logger = createLogger('silent');
const HOUR = 3_600_000;
const retryNow: DepositSweepOptions = { retryAfterMs: 0, holdMs: HOUR, lookbackDays: 8, batchSize: 200 };

beforeEach(async () => {
  await vi.waitFor(
    () => {
      for (const [service, breaker] of test.service.deps.outbound?.breakers ?? [])
        expect(breaker.current(), service).not.toBe('open');
    },
    { timeout: 10_000, interval: 20 },
  );
  for (const name of ['guest-profiles', 'trip-catalog', 'payments'] as const) await test.stubs.control(name, { mode: 'normal' });
  test.stubs.clearCalls();
});

/** Books while payments is down: the reservation stays PENDING without a payment. */
async function bookWithoutDeposit(): Promise<string> {
  await test.stubs.control('payments', { mode: 'down' });
  const failed = await test.graphql(CREATE, { input: reservationInput() });
  expect(failed.errors?.[0]?.extensions?.code).toBe('DEPENDENCY_FAILED');
  const id = failed.errors?.[0]?.extensions?.reservationId as string;
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  test.stubs.clearCalls();
  return id;
}

async function stateOf(id: string): Promise<{ status: string; deposit_status: string; payment_id: string | null; _rev: number }> {
  const { rows } = await test.db.pool.query(
    'SELECT status, deposit_status, payment_id, _rev FROM reservations.reservations WHERE id = $1',
    [id],
  );
  return rows[0];
}

describe('the deposit sweep', () => {
  it('asks payments again for a booking whose deposit request failed, once, under the same key', async () => {
    const id = await bookWithoutDeposit();
    await test.stubs.control('payments', { mode: 'normal' });

    const report = await sweepDeposits(test.service.deps, retryNow, logger);
    expect(report.retried).toBeGreaterThanOrEqual(1);
    expect(await stateOf(id)).toMatchObject({ status: 'PENDING', deposit_status: 'PENDING', _rev: 1 });
    expect((await stateOf(id)).payment_id).toMatch(/^pay_/);
    const keys = () => test.stubs.calls('payments').map((call) => call.idempotencyKey);
    expect(keys().filter((key) => key === id)).toHaveLength(1);

    // Paid now: the next sweep leaves it alone.
    await sweepDeposits(test.service.deps, retryNow, logger);
    expect(keys().filter((key) => key === id)).toHaveLength(1);
  });

  it('cancels the booking when the retried deposit is declined, with its history', async () => {
    const id = await bookWithoutDeposit();
    await test.stubs.control('payments', { mode: 'decline' });

    const report = await sweepDeposits(test.service.deps, retryNow, logger);
    expect(report.declined).toBeGreaterThanOrEqual(1);
    expect(await stateOf(id)).toMatchObject({ status: 'CANCELLED', deposit_status: 'DECLINED', _rev: 2 });
    const history = await test.db.pool.query(
      'SELECT to_status, reason, actor FROM reservations.status_history WHERE reservation_id = $1 ORDER BY rev',
      [id],
    );
    expect(history.rows.map((row) => row.to_status)).toEqual(['PENDING', 'CANCELLED']);
    expect(history.rows[1].reason).toMatch(/deposit declined/);
  });

  it('leaves the booking as it is while payments is still down, and stops asking for this round', async () => {
    const first = await bookWithoutDeposit();
    const second = await bookWithoutDeposit();

    const report = await sweepDeposits(test.service.deps, retryNow, logger);
    expect(report.stillFailing).toBe(1);
    expect(report.retried).toBe(0);
    for (const id of [first, second]) {
      expect(await stateOf(id)).toEqual({ status: 'PENDING', deposit_status: 'PENDING', payment_id: null, _rev: 1 });
    }
  });

  it('goes on (to the expiry of overdue holds) when the trip catalog is down', async () => {
    // Booked while the catalog lets nothing be kept: the sweep has to ask it for the trip.
    await test.stubs.control('trip-catalog', { tripMaxAgeSeconds: 0 });
    const id = await bookWithoutDeposit();
    await test.stubs.control('payments', { mode: 'normal' });
    await test.stubs.control('trip-catalog', { mode: 'down' });
    const report = await sweepDeposits(test.service.deps, retryNow, logger);
    expect(report.stillFailing).toBeGreaterThanOrEqual(1);
    expect(await stateOf(id)).toEqual({ status: 'PENDING', deposit_status: 'PENDING', payment_id: null, _rev: 1 });
  });

  it('expires PENDING holds past the hold, with history and event, and leaves confirmed ones alone', async () => {
    const pending = await test.graphql<{ createReservation: { id: string } }>(CREATE, { input: reservationInput() });
    const confirmed = await test.graphql<{ createReservation: { id: string; rev: number } }>(CREATE, {
      input: reservationInput(),
    });
    expect(pending.errors).toBeUndefined();
    expect(confirmed.errors).toBeUndefined();
    const pendingId = pending.data?.createReservation.id as string;
    const confirmedId = confirmed.data?.createReservation.id as string;
    const confirm = await test.graphql(
      'mutation($id: ID!, $rev: Int!) { confirmReservation(input: { id: $id, expectedRev: $rev }) { status } }',
      { id: confirmedId, rev: confirmed.data?.createReservation.rev },
    );
    expect(confirm.errors).toBeUndefined();

    // A hold that has not run out yet is not touched.
    const early = await sweepDeposits(test.service.deps, { ...retryNow, holdMs: HOUR }, logger);
    expect(early.expired).toBe(0);
    expect((await stateOf(pendingId)).status).toBe('PENDING');

    const report = await sweepDeposits(test.service.deps, { ...retryNow, holdMs: 0 }, logger);
    expect(report.expired).toBeGreaterThanOrEqual(1);
    expect(await stateOf(pendingId)).toMatchObject({ status: 'EXPIRED', _rev: 2 });
    expect((await stateOf(confirmedId)).status).toBe('CONFIRMED');

    const history = await test.db.pool.query(
      'SELECT from_status, to_status, reason, actor FROM reservations.status_history WHERE reservation_id = $1 ORDER BY rev',
      [pendingId],
    );
    expect(history.rows[1]).toMatchObject({ from_status: 'PENDING', to_status: 'EXPIRED', actor: 'system:deposit-sweep' });
    expect(history.rows[1].reason).toMatch(/deposit not settled within the 0 h hold/);
    const events = await test.db.pool.query(
      `SELECT payload FROM reservations.outbox WHERE aggregate_id = $1 AND type = 'reservation.status_changed' ORDER BY seq`,
      [pendingId],
    );
    expect(events.rows.at(-1)?.payload).toMatchObject({ from: 'PENDING', to: 'EXPIRED', rev: 2 });
  });
});
