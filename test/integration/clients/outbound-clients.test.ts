import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOutboundLoaders } from '../../../src/clients/loaders.js';
import { OutboundClients } from '../../../src/clients/services.js';
import { DependencyFailedError } from '../../../src/domain/index.js';
import { type RunningStubs, startStubs } from '../../../stubs/index.js';

let stubs: RunningStubs;
let clients: OutboundClients;

beforeAll(async () => {
  stubs = await startStubs({ 'guest-profiles': 0, 'trip-catalog': 0, payments: 0, notifications: 0 });
});
afterAll(() => stubs.stop());
beforeEach(async () => {
  for (const name of ['guest-profiles', 'trip-catalog', 'payments'] as const) await stubs.control(name, { mode: 'normal' });
  stubs.clearCalls();
  clients = new OutboundClients({
    guestProfilesUrl: stubs.urls['guest-profiles'],
    tripCatalogUrl: stubs.urls['trip-catalog'],
    paymentsUrl: stubs.urls.payments,
    // Room for a first call on a loaded CI machine; the slow stub (2 s) still outlasts it.
    timeoutMs: 1_000,
    retry: { retries: 1, baseDelayMs: 10, maxDelayMs: 20 },
    breaker: { failureThreshold: 2, coolDownMs: 500 },
  });
});

describe('batched lookups', () => {
  it('validates 12 participants with one call to guest profiles', async () => {
    const loaders = createOutboundLoaders(clients);
    const ids = Array.from({ length: 12 }, () => randomUUID());
    const suspended = ids[3] ?? '';
    await stubs.control('guest-profiles', { suspendedGuests: [suspended] });
    const statuses = await Promise.all(ids.map((id) => loaders.guestStatus.load(id)));
    expect(statuses.filter((status) => status === 'SUSPENDED')).toHaveLength(1);
    expect(stubs.calls('guest-profiles')).toHaveLength(1);
  });

  it("resolves 100 reservations' trips with one call to the catalog", async () => {
    const loaders = createOutboundLoaders(clients);
    const tripIds = Array.from({ length: 100 }, () => randomUUID());
    const trips = await Promise.all(tripIds.map((id) => loaders.trip.load(id)));
    expect(trips.every((trip) => trip !== null)).toBe(true);
    expect(stubs.calls('trip-catalog')).toHaveLength(1);
  });
});

describe('payments', () => {
  it('charges a deposit once for any number of retries under the same reservation id', async () => {
    const request = { reservationId: randomUUID(), guestId: randomUUID(), amountCents: 10_000, currency: 'EUR' };
    const first = await clients.chargeDeposit(request);
    const again = await clients.chargeDeposit(request);
    expect(again.paymentId).toBe(first.paymentId);
    expect(stubs.calls('payments').map((call) => call.idempotencyKey)).toEqual([request.reservationId, request.reservationId]);
  });

  it('returns a decline as a result, not an error', async () => {
    await stubs.control('payments', { mode: 'decline' });
    const result = await clients.chargeDeposit({
      reservationId: randomUUID(),
      guestId: randomUUID(),
      amountCents: 1,
      currency: 'EUR',
    });
    expect(result).toMatchObject({ status: 'DECLINED', declineReason: 'card declined' });
  });
});

describe('a slow, failing or dead service', () => {
  it('gives DEPENDENCY_FAILED when the stub is slower than the whole budget, after one attempt', async () => {
    await stubs.control('trip-catalog', { mode: 'slow', delayMs: 2_000 });
    await expect(clients.trips([randomUUID()])).rejects.toBeInstanceOf(DependencyFailedError);
    // The budget (1 s) is for the call: the first attempt spent it, none followed.
    expect(stubs.calls('trip-catalog')).toHaveLength(1);
  });

  it('opens the breaker on a dead stub after two failed calls, fails fast while open, and recovers by itself', async () => {
    await stubs.control('guest-profiles', { mode: 'down' });
    await expect(clients.guestStatuses([randomUUID()])).rejects.toBeInstanceOf(DependencyFailedError);
    expect(stubs.calls('guest-profiles')).toHaveLength(2);
    expect(clients.breakers.get('guest-profiles')?.current()).toBe('closed');
    await expect(clients.guestStatuses([randomUUID()])).rejects.toBeInstanceOf(DependencyFailedError);
    expect(clients.breakers.get('guest-profiles')?.current()).toBe('open');
    const reached = stubs.calls('guest-profiles').length;
    await expect(clients.guestStatuses([randomUUID()])).rejects.toBeInstanceOf(DependencyFailedError);
    expect(stubs.calls('guest-profiles')).toHaveLength(reached);

    await stubs.control('guest-profiles', { mode: 'normal' });
    // Calls fail fast until the cool-down ends; then one is the probe, and it closes the breaker.
    await vi.waitFor(() => expect(clients.guestStatuses([randomUUID()])).resolves.toBeInstanceOf(Map), {
      timeout: 5_000,
      interval: 50,
    });
    expect(clients.breakers.get('guest-profiles')?.current()).toBe('closed');
    expect(stubs.calls('guest-profiles')).toHaveLength(reached + 1);
  });

  it('gives DEPENDENCY_FAILED when the stub answers 503 every time', async () => {
    await stubs.control('payments', { mode: 'fail' });
    await expect(
      clients.chargeDeposit({ reservationId: randomUUID(), guestId: randomUUID(), amountCents: 1, currency: 'EUR' }),
    ).rejects.toMatchObject({
      code: 'DEPENDENCY_FAILED',
    });
  });
});
