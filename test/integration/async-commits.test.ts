import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enterLeaseTransaction, relayApplicationName, takeLease } from '../../src/db/relay-lease.js';
import { recordPaymentId } from '../../src/db/reservation-repository.js';
import { uuidV7 } from '../../src/domain/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * The two commits that do not wait for the WAL flush (BENCHMARKS.md, round two, fourth session),
 * because what a machine crash could take back from them is repaired anyway: the relay's claim and
 * mark (the rows are published again; delivery is at least once) and a booking's payment id (the
 * deposit sweep asks payments again under the same idempotency key, and payment.processed brings
 * the id). Each sets synchronous_commit for its own transaction only: the pooled connection's next
 * transaction, a booking perhaps, commits as durably as ever.
 */

let db: TestDatabase;
/** One connection, so each check reads the very session the statement ran on. */
let single: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  single = db.oneConnection();
});
afterAll(async () => {
  await db?.drop();
});

async function synchronousCommit(client: pg.ClientBase | pg.Pool): Promise<string> {
  const { rows } = await client.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
  return rows[0]?.synchronous_commit ?? '';
}

describe('commits that need no flush', () => {
  it("the relay's claiming transaction commits without waiting, and the connection is itself again after it", async () => {
    const holder = randomUUID();
    const session = new pg.Client({ connectionString: db.url, application_name: relayApplicationName(holder) });
    await session.connect();
    try {
      const taken = await takeLease(session, holder, 60_000);
      if (!taken) throw new Error('lease not taken');
      const client = await single.connect();
      try {
        const before = await synchronousCommit(client);
        await client.query('BEGIN');
        await enterLeaseTransaction(client, taken.lease);
        const inside = await synchronousCommit(client);
        await client.query('COMMIT');
        expect({ before, inside, after: await synchronousCommit(client) }).toEqual({ before, inside: 'off', after: before });
        expect(before).not.toBe('off');
      } finally {
        client.release();
      }
    } finally {
      await session.end();
    }
  });

  it("a booking's payment id is recorded without waiting, and the next statement on the connection waits again", async () => {
    const id = uuidV7(Date.now(), randomBytes);
    const reservationDate = new Date(Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16)).toISOString().slice(0, 10);
    await single.query(
      `INSERT INTO reservations.reservations (id, reservation_date, confirmation_code, guest_id, trip_id, trip_date, party_size, contact_email)
       VALUES ($1, $2, $3, gen_random_uuid(), gen_random_uuid(), $2::date + 30, 1, 'a@example.com')`,
      [id, reservationDate, `${reservationDate.slice(2).replaceAll('-', '')}-${randomBytes(3).toString('hex').toUpperCase()}`],
    );
    const before = await synchronousCommit(single);
    // Inside a transaction of its own making, the statement shows what its commit will do.
    const client = await single.connect();
    try {
      await client.query('BEGIN');
      await recordPaymentId(client, { id, reservationDate }, 'pay_rolled_back');
      expect(await synchronousCommit(client)).toBe('off');
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }

    const recorded = await recordPaymentId(single, { id, reservationDate }, 'pay_async_1');
    expect(recorded?.paymentId).toBe('pay_async_1');
    expect(await synchronousCommit(single)).toBe(before);
    expect(before).not.toBe('off');
    // Recorded once: a second answer for the same booking changes nothing.
    expect(await recordPaymentId(single, { id, reservationDate }, 'pay_async_2')).toBeNull();
    const { rows } = await single.query('SELECT payment_id FROM reservations.reservations WHERE id = $1', [id]);
    expect(rows[0].payment_id).toBe('pay_async_1');
  });
});
