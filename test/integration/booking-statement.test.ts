import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewBooking } from '../../src/app/ports.js';
import { insertBooking } from '../../src/db/booking.js';
import { findIdempotencyKey } from '../../src/db/idempotency-repository.js';
import { uuidV7 } from '../../src/domain/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { scansOf } from '../support/scans.js';

/**
 * The booking's statements and the plans they get. Its one insert asks for generic plans for its
 * own foreign-key checks only (src/db/booking.ts): the checks at the end of the statement see
 * `force_generic_plan`, and the pooled connection's next statement — committed or rolled back —
 * sees the default again. The idempotency key's lookup before it is planned each time
 * (src/db/idempotency-repository.ts), so a connection that began on an empty table still finds a
 * key by the primary key once the table has grown.
 */

let db: TestDatabase;
/** One connection, so each check reads the very session the booking ran on. */
let single: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  single = new pg.Pool({ connectionString: db.url, max: 1 });
  // A probe beside the foreign-key triggers: it fires at the same point (end of the statement)
  // and writes down the setting those checks run under.
  await db.pool.query(`
    CREATE TABLE public.plan_mode_probe (reservation_id uuid, mode text);
    CREATE FUNCTION public.note_plan_mode() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO public.plan_mode_probe VALUES (NEW.reservation_id, current_setting('plan_cache_mode'));
        RETURN NULL;
      END $$;
    CREATE TRIGGER note_plan_mode AFTER INSERT ON reservations.participants
      FOR EACH ROW EXECUTE FUNCTION public.note_plan_mode();`);
});
afterAll(async () => {
  await single?.end();
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

async function planCacheMode(): Promise<string> {
  const { rows } = await single.query<{ plan_cache_mode: string }>('SHOW plan_cache_mode');
  return rows[0]?.plan_cache_mode ?? '';
}

describe("the booking statement's foreign-key checks", () => {
  it('run under generic plans, and the connection is back to its default after the booking', async () => {
    const before = await planCacheMode();
    expect(before).not.toBe('force_generic_plan');
    const made = booking(3);
    const view = await insertBooking(single, made);
    expect(view.id).toBe(made.reservation.id);
    const { rows } = await db.pool.query<{ mode: string }>('SELECT mode FROM public.plan_mode_probe WHERE reservation_id = $1', [
      made.reservation.id,
    ]);
    expect(rows.map((row) => row.mode)).toEqual(['force_generic_plan', 'force_generic_plan', 'force_generic_plan']);
    expect(await planCacheMode()).toBe(before);
  });

  it('leave the default behind when the booking fails, too', async () => {
    const before = await planCacheMode();
    const made = booking(2);
    await insertBooking(single, made);
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
