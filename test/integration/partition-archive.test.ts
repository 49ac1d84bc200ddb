import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveMonth, restoreMonth } from '../../src/db/partition-archive.js';
import { ensurePartitions } from '../../src/db/partitions.js';
import { uuidV7 } from '../../src/domain/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** A month older than the business retention leaves for a pg_dump file and comes back whole. */
let db: TestDatabase;
let dir: string;
const month = '2016-03';
const ids = [uuidV7(Date.UTC(2016, 2, 5), randomBytes), uuidV7(Date.UTC(2016, 2, 28), randomBytes)];
const live = uuidV7(Date.UTC(2016, 3, 2), randomBytes);

async function snapshot(): Promise<string> {
  const { rows } = await db.pool.query(
    `SELECT (SELECT json_agg(r ORDER BY id) FROM reservations.reservations r WHERE reservation_date < '2016-05-01') AS reservations,
            (SELECT json_agg(p ORDER BY id) FROM reservations.participants p WHERE reservation_date < '2016-05-01') AS participants,
            (SELECT json_agg(h ORDER BY id) FROM reservations.status_history h WHERE reservation_date < '2016-05-01') AS history,
            (SELECT json_agg(x ORDER BY partner_reference) FROM reservations.partner_references x WHERE reservation_date < '2016-05-01') AS refs`,
  );
  return JSON.stringify(rows[0]);
}

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(path.join(tmpdir(), 'archive-'));
  const client = await db.pool.connect();
  try {
    await ensurePartitions(client, { monthsAhead: 1, from: new Date('2016-03-01'), now: new Date('2016-03-01') });
    for (const [n, id] of [...ids, live].entries()) {
      const date = new Date(Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16)).toISOString().slice(0, 10);
      await client.query(
        `INSERT INTO reservations.reservations (id, reservation_date, confirmation_code, guest_id, trip_id, trip_date, party_size,
           contact_email, partner_id, partner_reference, status)
         VALUES ($1, $2, $3, $4, $5, $2, 1, 'old@example.org', 'acme', $6, 'COMPLETED')`,
        [id, date, `160305-A${n}`, randomUUID(), randomUUID(), `ref-${n}`],
      );
      await client.query(
        `INSERT INTO reservations.participants (id, reservation_id, reservation_date, full_name, age_category) VALUES ($1, $2, $3, 'Old Timer', 'ADULT')`,
        [randomUUID(), id, date],
      );
      await client.query(
        `INSERT INTO reservations.status_history (reservation_id, reservation_date, to_status, rev, actor) VALUES ($1, $2, 'PENDING', 1, 'system:test')`,
        [id, date],
      );
      await client.query(
        `INSERT INTO reservations.partner_references (partner_id, partner_reference, reservation_id, reservation_date) VALUES ('acme', $1, $2, $3)`,
        [`ref-${n}`, id, date],
      );
    }
  } finally {
    client.release();
  }
});

afterAll(async () => {
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('archiving an old month', () => {
  it('moves the month to a dump file and back, row for row, leaving other months alone', async () => {
    const before = await snapshot();
    const file = path.join(dir, `${month}.dump`);
    const client = await db.pool.connect();
    try {
      const archived = await archiveMonth(client, db.url, month, file);
      expect(archived.rows).toEqual({
        participants: 2,
        partner_references: 2,
        idempotency_keys: 0,
        status_history: 2,
        reservations: 2,
      });
      expect((await stat(file)).size).toBeGreaterThan(0);
      const left = await db.pool.query<{ id: string }>(
        `SELECT id FROM reservations.reservations WHERE reservation_date < '2016-05-01'`,
      );
      expect(left.rows.map((row) => row.id)).toEqual([live]);
      const tables = await db.pool.query(
        `SELECT 1 FROM pg_tables WHERE schemaname = 'reservations' AND tablename LIKE '%2016_03'`,
      );
      expect(tables.rowCount).toBe(0);

      await restoreMonth(client, db.url, month, file);
    } finally {
      client.release();
    }
    expect(await snapshot()).toBe(before);
    // Attached again: foreign keys hold (a participant of an archived reservation cannot be orphaned).
    await expect(db.pool.query(`DELETE FROM reservations.reservations WHERE id = $1`, [ids[0]])).resolves.toBeDefined();
    const orphans = await db.pool.query(`SELECT 1 FROM reservations.participants WHERE reservation_id = $1`, [ids[0]]);
    expect(orphans.rowCount).toBe(0);
    const history = await db.pool.query(`SELECT 1 FROM reservations.status_history WHERE reservation_id = $1`, [ids[0]]);
    expect(history.rowCount).toBe(0);
    // The history partition came back with its own key to the month's reservations partition.
    const keys = await db.pool.query<{ target: string }>(
      `SELECT confrelid::regclass::text AS target FROM pg_constraint
        WHERE conrelid = 'reservations.status_history_p2016_03'::regclass AND contype = 'f'`,
    );
    expect(keys.rows).toEqual([{ target: 'reservations.reservations_p2016_03' }]);
  });
});
