import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  assertLease,
  enterLeaseTransaction,
  fence,
  LeaseLostError,
  markPublished,
  type RelayLease,
  relayApplicationName,
  releaseLease,
  renewLease,
  takeLease,
} from '../../src/db/relay-lease.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { scansOf } from '../support/scans.js';

/** The lease SQL on its own: who may take it, and what the one it was taken from can still do. */

let db: TestDatabase;
const opened: pg.Client[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((client) => client.end().catch(() => {})));
  await db.pool.query("UPDATE reservations.outbox_relay_lease SET holder = NULL WHERE name = 'outbox'");
});
afterAll(() => db.drop());

/** A relay's connection: named after its holder, as the relay names its own. */
async function connectionOf(holder: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: db.url, application_name: relayApplicationName(holder) });
  client.on('error', () => {});
  await client.connect();
  opened.push(client);
  return client;
}

async function relaySession(leaseMs: number): Promise<{ session: pg.Client; lease: RelayLease }> {
  const holder = randomUUID();
  const session = await connectionOf(holder);
  const taken = await takeLease(session, holder, leaseMs);
  if (!taken) throw new Error('lease not taken');
  return { session, lease: taken.lease };
}

async function writeEvent(): Promise<string> {
  const { rows } = await db.pool.query<{ seq: string }>(
    `INSERT INTO reservations.outbox (id, kind, aggregate_type, aggregate_id, type, destination, payload)
     VALUES (gen_random_uuid(), 'event', 'reservation', gen_random_uuid(), 'reservation.status_changed', 'lease-test', '{}')
     RETURNING seq`,
  );
  return rows[0]?.seq ?? '';
}

describe('the outbox relay lease', () => {
  it('is not taken from a live holder before it expires', async () => {
    await relaySession(60_000);
    const other = randomUUID();
    expect(await takeLease(await connectionOf(other), other, 60_000)).toBeNull();
  });

  it('is taken at once from a holder with no connection left, or one that released it', async () => {
    const first = await relaySession(60_000);
    await first.session.end();
    const second = await relaySession(60_000);
    expect(BigInt(second.lease.epoch)).toBe(BigInt(first.lease.epoch) + 1n);

    await releaseLease(second.session, second.lease);
    const third = randomUUID();
    expect(await takeLease(await connectionOf(third), third, 60_000)).not.toBeNull();
  });

  it('is taken from a live holder once expired, whose connections and claimed rows the fence ends', async () => {
    const old = await relaySession(300);
    const seq = await writeEvent();
    const claiming = await connectionOf(randomUUID());
    await claiming.query('BEGIN');
    await enterLeaseTransaction(claiming, old.lease);
    await claiming.query('SELECT seq FROM reservations.outbox WHERE seq = $1 FOR UPDATE', [seq]);

    const holder = randomUUID();
    const session = await connectionOf(holder);
    await expect.poll(() => takeLease(session, holder, 60_000), { timeout: 5_000, interval: 50 }).not.toBeNull();
    expect(await fence(session, old.lease.holder, 2_000)).toBe(true);

    await expect(old.session.query('SELECT 1')).rejects.toThrow();
    await expect(claiming.query('SELECT 1')).rejects.toThrow();
    // The claim died with its connection: the row is free for the new leader, not skipped.
    const { rows } = await session.query('SELECT seq FROM reservations.outbox WHERE seq = $1 FOR UPDATE NOWAIT', [seq]);
    expect(rows).toHaveLength(1);
  });

  it('lets the holder it was taken from neither renew, claim nor mark', async () => {
    const old = await relaySession(300);
    const holder = randomUUID();
    const session = await connectionOf(holder);
    await expect.poll(() => takeLease(session, holder, 60_000), { timeout: 5_000, interval: 50 }).not.toBeNull();
    const seq = await writeEvent();

    // A thawed old leader on a fresh connection, the fence behind it.
    const thawed = await connectionOf(old.lease.holder);
    expect(await renewLease(thawed, old.lease, 60_000)).toBe(false);
    await expect(assertLease(thawed, old.lease)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(markPublished(thawed, old.lease, [seq], { clearError: false })).rejects.toBeInstanceOf(LeaseLostError);
    const { rows } = await db.pool.query('SELECT published_at FROM reservations.outbox WHERE seq = $1', [seq]);
    expect(rows[0].published_at).toBeNull();
  });
});

describe('marking rows published', () => {
  const outboxScans = () => scansOf(db.pool, 'reservations.outbox', 'outbox_pkey');

  it('finds its rows by key however much the outbox grew since the connection began', async () => {
    // The relay's connection lives for days; the outbox goes from empty to many thousands of rows
    // within minutes under load. A plan cached while it was empty must not read it all later.
    const { session, lease } = await relaySession(60_000);
    for (let i = 0; i < 8; i++) await markPublished(session, lease, [await writeEvent()], { clearError: false });
    await db.pool.query(
      `INSERT INTO reservations.outbox (id, kind, aggregate_type, aggregate_id, type, destination, payload, published_at)
       SELECT gen_random_uuid(), 'event', 'reservation', gen_random_uuid(), 'reservation.status_changed', 'lease-test', '{}', now()
         FROM generate_series(1, 20000)`,
    );
    const seq = await writeEvent();
    await session.query('SELECT pg_stat_force_next_flush()');
    const before = await outboxScans();

    await markPublished(session, lease, [seq], { clearError: false });
    await session.query('SELECT pg_stat_force_next_flush()');

    await expect.poll(() => outboxScans(), { timeout: 5_000, interval: 50 }).toMatchObject({ index: before.index + 1 });
    expect((await outboxScans()).seq).toBe(before.seq);
    const { rows } = await db.pool.query('SELECT published_at FROM reservations.outbox WHERE seq = $1', [seq]);
    expect(rows[0].published_at).not.toBeNull();
  });
});
