import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { CREATE, daysFromToday, participantInput, reservationInput } from '../support/factories.js';
import { useService } from '../support/service.js';

/** createReservation with guest profiles, trip catalog and payments, as stubs (stubs/). */
const test = useService({ BREAKER_FAILURE_THRESHOLD: '50' });

const CREATE_WITH_KEY = `mutation Create($input: CreateReservationInput!, $key: String) {
  createReservation(input: $input, idempotencyKey: $key) { id status rev }
}`;

async function count(table = 'reservations'): Promise<number> {
  const { rows } = await test.db.pool.query(`SELECT count(*)::int AS n FROM reservations.${table}`);
  return rows[0].n;
}

beforeEach(async () => {
  for (const name of ['guest-profiles', 'trip-catalog', 'payments'] as const) await test.stubs.control(name, { mode: 'normal' });
  test.stubs.clearCalls();
});

describe('booking checks with other services', () => {
  it('asks guest profiles once for the guest and 12 participants, checks the trip, and requests the deposit once', async () => {
    const participants = Array.from({ length: 12 }, (_, index) =>
      participantInput({ fullName: `P${index}`, guestId: randomUUID() }),
    );
    const result = await test.graphql<{ createReservation: { id: string } }>(CREATE, {
      input: reservationInput({ participants }),
    });
    expect(result.errors).toBeUndefined();
    const id = result.data?.createReservation.id;

    const guestCalls = test.stubs.calls('guest-profiles');
    expect(guestCalls).toHaveLength(1);
    expect((guestCalls[0]?.body as { ids: string[] } | undefined)?.ids).toHaveLength(13);
    expect(test.stubs.calls('trip-catalog').map((call) => call.path.split('?')[0])).toEqual(
      expect.arrayContaining(['/v1/trips', '/v1/availability:check']),
    );
    expect(test.stubs.calls('payments').map((call) => call.idempotencyKey)).toEqual([id]);
    expect((test.stubs.calls('payments')[0]?.body as { amountCents: number } | undefined)?.amountCents).toBe(5_000 * 12);
    const { rows } = await test.db.pool.query(
      'SELECT payment_id, deposit_status, _rev FROM reservations.reservations WHERE id = $1',
      [id],
    );
    expect(rows[0]).toMatchObject({ deposit_status: 'PENDING', _rev: 1 });
    expect(rows[0].payment_id).toMatch(/^pay_/);
  });

  it('refuses a suspended guest or participant with GUEST_INVALID on the right field, storing nothing', async () => {
    const guest = randomUUID();
    const participantGuest = randomUUID();
    await test.stubs.control('guest-profiles', { suspendedGuests: [guest, participantGuest] });
    const before = await count();
    const suspended = await test.graphql(CREATE, { input: reservationInput({ guestId: guest }) });
    expect(suspended.errors?.[0]?.extensions).toMatchObject({ code: 'GUEST_INVALID', field: 'input.guestId' });
    const participant = await test.graphql(CREATE, {
      input: reservationInput({ participants: [participantInput(), participantInput({ guestId: participantGuest })] }),
    });
    expect(participant.errors?.[0]?.extensions).toMatchObject({ code: 'GUEST_INVALID', field: 'input.participants.1.guestId' });
    expect(await count()).toBe(before);
    expect(test.stubs.calls('payments')).toHaveLength(0);
  });

  it('refuses a full trip with UNAVAILABLE, storing nothing', async () => {
    const tripId = randomUUID();
    await test.stubs.control('trip-catalog', { fullTrips: [tripId] });
    const before = await count();
    const full = await test.graphql(CREATE, { input: reservationInput({ tripId }) });
    expect(full.errors?.[0]?.extensions?.code).toBe('UNAVAILABLE');
    expect(await count()).toBe(before);
  });

  it('answers DEPENDENCY_FAILED when guest profiles is too slow, storing nothing', async () => {
    await test.stubs.control('guest-profiles', { mode: 'slow', delayMs: 2_000 });
    const before = await count();
    const slow = await test.graphql(CREATE, { input: reservationInput() });
    expect(slow.errors?.[0]?.extensions?.code).toBe('DEPENDENCY_FAILED');
    expect(slow.errors?.[0]?.message).not.toMatch(/timeout|abort|stub|127\.0\.0\.1/i);
    expect(await count()).toBe(before);
  });
});

describe('lookups are batched and cached per GraphQL request', () => {
  const TWO_BOOKINGS = `mutation Two($a: CreateReservationInput!, $b: CreateReservationInput!) {
    a: createReservation(input: $a) { id }
    b: createReservation(input: $b) { id }
  }`;

  it('asks the catalog for a trip and guest profiles for a guest once per request, however many bookings use them', async () => {
    const guestId = randomUUID();
    const tripId = randomUUID();
    const result = await test.graphql<{ a: { id: string }; b: { id: string } }>(TWO_BOOKINGS, {
      a: reservationInput({ guestId, tripId }),
      b: reservationInput({ guestId, tripId, tripDate: daysFromToday(31) }),
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?.a.id).not.toBe(result.data?.b.id);
    const catalogPaths = test.stubs.calls('trip-catalog').map((call) => call.path.split('?')[0]);
    expect(catalogPaths.filter((path) => path === '/v1/trips')).toHaveLength(1);
    // Availability is never cached: the first booking may have taken the seats.
    expect(catalogPaths.filter((path) => path === '/v1/availability:check')).toHaveLength(2);
    expect(test.stubs.calls('guest-profiles')).toHaveLength(1);
    expect(test.stubs.calls('payments')).toHaveLength(2);
  });

  it('asks guest profiles again in the next request, and the catalog only once its answer is stale', async () => {
    const input = { guestId: randomUUID(), tripId: randomUUID() };
    const book = async (tripDate: string) => {
      const result = await test.graphql(CREATE, { input: reservationInput({ ...input, tripDate }) });
      expect(result.errors).toBeUndefined();
    };
    const tripCalls = () => test.stubs.calls('trip-catalog').filter((call) => call.path.startsWith('/v1/trips?'));
    // The catalog answers its trips with `Cache-Control: max-age=60` (docs/contracts/trip-catalog.md).
    await book(daysFromToday(40));
    await book(daysFromToday(41));
    expect(tripCalls()).toHaveLength(1);
    expect(test.stubs.calls('guest-profiles')).toHaveLength(2);
    expect(test.stubs.calls('trip-catalog').filter((call) => call.path === '/v1/availability:check')).toHaveLength(2);

    // Told `no-store`, the service keeps nothing: every booking asks.
    const uncached = { guestId: randomUUID(), tripId: randomUUID() };
    await test.stubs.control('trip-catalog', { tripMaxAgeSeconds: 0 });
    test.stubs.clearCalls();
    for (const tripDate of [daysFromToday(42), daysFromToday(43)]) {
      const result = await test.graphql(CREATE, { input: reservationInput({ ...uncached, tripDate }) });
      expect(result.errors).toBeUndefined();
    }
    expect(tripCalls()).toHaveLength(2);
  });

  it('resolves the trip of 100 reservations without asking the catalog (the router resolves Trip)', async () => {
    const guestId = randomUUID();
    for (let index = 0; index < 100; index++) {
      const booked = await test.graphql(CREATE, { input: reservationInput({ guestId, participants: [participantInput()] }) });
      expect(booked.errors).toBeUndefined();
    }
    test.stubs.clearCalls();
    const listed = await test.graphql<{ reservations: { edges: { node: { trip: { id: string } } }[] } }>(
      `query($guest: ID!) { reservations(filter: { guestId: $guest }, first: 100) { edges { node { trip { id } } } } }`,
      { guest: guestId },
    );
    expect(listed.errors).toBeUndefined();
    expect(new Set(listed.data?.reservations.edges.map((edge) => edge.node.trip.id)).size).toBe(100);
    expect(test.stubs.calls('trip-catalog')).toHaveLength(0);
  });
});

describe('the deposit', () => {
  it('cancels the reservation when payments declines it, with its history and events, and says so', async () => {
    await test.stubs.control('payments', { mode: 'decline' });
    const declined = await test.graphql(CREATE, { input: reservationInput() });
    expect(declined.errors?.[0]?.extensions).toMatchObject({ code: 'PAYMENT_DECLINED' });
    const id = declined.errors?.[0]?.extensions?.reservationId as string;
    const { rows } = await test.db.pool.query(
      'SELECT status, deposit_status, payment_id FROM reservations.reservations WHERE id = $1',
      [id],
    );
    expect(rows[0]).toMatchObject({ status: 'CANCELLED', deposit_status: 'DECLINED' });
    expect(rows[0].payment_id).toMatch(/^pay_/);
    const history = await test.db.pool.query(
      'SELECT from_status, to_status, reason FROM reservations.status_history WHERE reservation_id = $1 ORDER BY rev',
      [id],
    );
    expect(history.rows.map((row) => [row.from_status, row.to_status])).toEqual([
      [null, 'PENDING'],
      ['PENDING', 'CANCELLED'],
    ]);
    expect(history.rows[1].reason).toMatch(/deposit declined/);
    const events = await test.db.pool.query(
      `SELECT type FROM reservations.outbox WHERE aggregate_id = $1 AND kind = 'event' ORDER BY seq`,
      [id],
    );
    expect(events.rows.map((row) => row.type)).toEqual(['reservation.status_changed', 'reservation.status_changed']);
  });

  it('keeps a PENDING reservation without payment when payments is down, and a retry with the same key charges once', async () => {
    await test.stubs.control('payments', { mode: 'down' });
    const key = `deposit-retry-${randomUUID().slice(0, 8)}`;
    const input = reservationInput();
    const failed = await test.graphql(CREATE_WITH_KEY, { input, key });
    expect(failed.errors?.[0]?.extensions?.code).toBe('DEPENDENCY_FAILED');
    expect(failed.errors?.[0]?.message).toMatch(/was booked and is PENDING/);
    const id = failed.errors?.[0]?.extensions?.reservationId as string;
    const stored = await test.db.pool.query(
      'SELECT status, deposit_status, payment_id FROM reservations.reservations WHERE id = $1',
      [id],
    );
    expect(stored.rows[0]).toEqual({ status: 'PENDING', deposit_status: 'PENDING', payment_id: null });

    await test.stubs.control('payments', { mode: 'normal' });
    test.stubs.clearCalls();
    const retried = await test.graphql<{ createReservation: { id: string; status: string } }>(CREATE_WITH_KEY, { input, key });
    expect(retried.errors).toBeUndefined();
    expect(retried.data?.createReservation).toMatchObject({ id, status: 'PENDING' });
    expect(test.stubs.calls('payments').map((call) => call.idempotencyKey)).toEqual([id]);
    const after = await test.db.pool.query('SELECT payment_id FROM reservations.reservations WHERE id = $1', [id]);
    expect(after.rows[0].payment_id).toMatch(/^pay_/);
  });
});
