import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewBooking } from '../../src/app/ports.js';
import { insertBooking } from '../../src/db/booking.js';
import { findIdempotencyKey } from '../../src/db/idempotency-repository.js';
import { uuidV7 } from '../../src/domain/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { scansOf } from '../support/scans.js';

/**
 * The plans a booking's statements get, on a pooled connection that lives for days while the
 * tables under it grow from empty: each lookup by key must keep using its key. The foreign-key
 * checks at the end of the booking statement are planned for their values each time
 * (src/db/booking.ts: force_custom_plan for the booking's own transaction, the connection's
 * default after it), so a check of the current month's partition, small when the connection
 * began, still finds the reservation by its key once the partition has grown; the idempotency
 * key's lookup is planned each time too (src/db/idempotency-repository.ts).
 */

let db: TestDatabase;
/** One connection, so each statement runs on the very session whose plans are cached. */
let single: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  single = db.oneConnection();
});
afterAll(async () => {
  await db?.drop();
});

function booking(participants: number): NewBooking {
  const now = new Date();
  const id = uuidV7(now.getTime(), randomBytes);
  const reservationDate = now.toISOString().slice(0, 10);
  return {
    reservation: {
      id,
      reservationDate,
      confirmationCode: `${reservationDate.slice(2).replaceAll('-', '')}-${randomBytes(3).toString('hex').toUpperCase()}`,
      status: 'PENDING',
      guestId: randomUUID(),
      tripId: randomUUID(),
      tripDate: new Date(now.getTime() + 30 * 86_400_000).toISOString().slice(0, 10),
      contactEmail: 'lead@example.com',
      contactPhone: null,
      notes: null,
      partnerId: 'partner-probe',
      partnerReference: `ref-${randomBytes(4).toString('hex')}`,
      createdAt: now,
    },
    participants: Array.from({ length: participants }, (_, position) => ({
      id: randomUUID(),
      position,
      guestId: null,
      fullName: `Traveller ${position}`,
      dateOfBirth: null,
      ageCategory: 'ADULT',
      email: null,
      phone: null,
      insurance: null,
    })),
    history: { from: null, to: 'PENDING', rev: 1, reason: null, actor: 'test', at: now },
    idempotency: { scope: 'probe', key: randomUUID(), requestHash: 'hash' },
    outbox: [],
  };
}

describe("the booking's foreign-key checks", () => {
  it("find the reservation by its key however much the current month's partition grew since the connection's first booking", async () => {
    const first = booking(2);
    const partition = `reservations.reservations_p${first.reservation.reservationDate.slice(0, 7).replace('-', '_')}`;
    // The partition as VACUUM saw it nearly empty, and six bookings' checks planned on top of that.
    await db.pool.query(`VACUUM (ANALYZE) ${partition}`);
    await insertBooking(single, first);
    for (let i = 0; i < 5; i++) await insertBooking(single, booking(2));
    const now = Date.now();
    const ids = Array.from({ length: 20_000 }, () => uuidV7(now, randomBytes));
    await db.pool.query(
      `INSERT INTO reservations.reservations (id, reservation_date, confirmation_code, guest_id, trip_id, trip_date, party_size, contact_email)
       SELECT id, $2::date, 'G' || lpad(n::text, 9, '0'), gen_random_uuid(), gen_random_uuid(), $2::date + 30, 1, 'grown@example.com'
         FROM unnest($1::uuid[]) WITH ORDINALITY AS g(id, n)`,
      [ids, first.reservation.reservationDate],
    );
    await single.query('SELECT pg_stat_force_next_flush()');
    const before = await scansOf(db.pool, partition, `${partition.split('.')[1]}_pkey`);

    const next = booking(2);
    await insertBooking(single, next);
    await single.query('SELECT pg_stat_force_next_flush()');

    // Participants (two), idempotency key, partner reference and the first history row: five
    // checks, each by the key.
    await expect
      .poll(() => scansOf(db.pool, partition, `${partition.split('.')[1]}_pkey`), { timeout: 5_000, interval: 50 })
      .toMatchObject({ index: before.index + 5 });
    expect((await scansOf(db.pool, partition, `${partition.split('.')[1]}_pkey`)).seq).toBe(before.seq);
  });
});

async function planCacheMode(): Promise<string> {
  const { rows } = await single.query<{ plan_cache_mode: string }>('SHOW plan_cache_mode');
  return rows[0]?.plan_cache_mode ?? '';
}

describe("the booking's transaction setting", () => {
  it('is its own: the connection shows its default after a booking, and after one that failed', async () => {
    const before = await planCacheMode();
    expect(before).not.toBe('force_custom_plan');
    const made = booking(2);
    await insertBooking(single, made);
    expect(await planCacheMode()).toBe(before);
    // The same reservation again: a taken key fails the whole statement.
    await expect(insertBooking(single, made)).rejects.toMatchObject({ code: '23505' });
    expect(await planCacheMode()).toBe(before);
    const { rows } = await db.pool.query<{ count: string }>(
      'SELECT count(*) FROM reservations.participants WHERE reservation_id = $1',
      [made.reservation.id],
    );
    expect(rows[0]?.count).toBe('2');
  });
});

describe("the idempotency key's lookup", () => {
  const keyScans = () => scansOf(db.pool, 'reservations.idempotency_keys', 'idempotency_keys_pkey');

  it('uses the primary key however much the table grew since the connection first looked', async () => {
    // Seen empty by VACUUM (reltuples 0): a plan made now costs a sequential scan nothing.
    await db.pool.query('TRUNCATE reservations.idempotency_keys');
    await db.pool.query('VACUUM (ANALYZE) reservations.idempotency_keys');
    for (let i = 0; i < 8; i++) expect(await findIdempotencyKey(single, 'probe', `missing-${i}`)).toBeNull();
    const made = booking(1);
    await insertBooking(single, made);
    await db.pool.query(
      `INSERT INTO reservations.idempotency_keys (scope, key, request_hash, reservation_id, reservation_date)
       SELECT 'grown', 'key-' || n, 'hash', $1::uuid, $2::date FROM generate_series(1, 20000) n`,
      [made.reservation.id, made.reservation.reservationDate],
    );
    await single.query('SELECT pg_stat_force_next_flush()');
    const before = await keyScans();

    const found = await findIdempotencyKey(single, 'grown', 'key-777');
    await single.query('SELECT pg_stat_force_next_flush()');

    expect(found?.reservation.id).toBe(made.reservation.id);
    await expect.poll(() => keyScans(), { timeout: 5_000, interval: 50 }).toMatchObject({ index: before.index + 1 });
    expect((await keyScans()).seq).toBe(before.seq);
  });
});
