import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrations.js';
import { ensurePartitions, monthsToCover, strayRows } from '../../src/db/partitions.js';
import { createEmptyDatabase } from '../support/database.js';

/** A UUIDv7 whose timestamp is `ms` (RFC 9562 layout). */
function uuidV7At(ms: number): string {
  const time = ms.toString(16).padStart(12, '0');
  const random = randomBytes(10).toString('hex');
  const variant = (8 | (Number.parseInt(random.charAt(3), 16) & 3)).toString(16);
  return `${time.slice(0, 8)}-${time.slice(8)}-7${random.slice(0, 3)}-${variant}${random.slice(4, 7)}-${random.slice(7, 19)}`;
}

async function insertReservation(client: pg.Client, bookedAt: Date, reservationDate?: string): Promise<string> {
  const id = uuidV7At(bookedAt.getTime());
  const date = reservationDate ?? bookedAt.toISOString().slice(0, 10);
  await client.query(
    `INSERT INTO reservations.reservations
       (id, reservation_date, confirmation_code, guest_id, trip_id, trip_date, party_size, contact_email)
     VALUES ($1, $2, $3, gen_random_uuid(), gen_random_uuid(), $2::date + 30, 2, 'a@example.com')`,
    [id, date, `${date.slice(2, 4)}${date.slice(5, 7)}${date.slice(8, 10)}-${randomBytes(3).toString('hex').toUpperCase()}`],
  );
  return id;
}

async function insertHistory(client: pg.Client, reservationId: string, reservationDate: string): Promise<void> {
  await client.query(
    `INSERT INTO reservations.status_history (reservation_id, reservation_date, to_status, rev, actor)
     VALUES ($1, $2, 'PENDING', 1, 'test')`,
    [reservationId, reservationDate],
  );
}

/** `history partition -> reservations partition`, one per foreign key held by a partition of status_history. */
async function historyKeys(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ key: string }>(
    `SELECT c.conrelid::regclass::text || ' -> ' || c.confrelid::regclass::text AS key
       FROM pg_constraint c JOIN pg_inherits i ON i.inhrelid = c.conrelid
      WHERE i.inhparent = 'reservations.status_history'::regclass AND c.contype = 'f'
      ORDER BY 1`,
  );
  return rows.map((row) => row.key.replaceAll('reservations.', ''));
}

describe('partition maintenance', () => {
  const now = new Date('2026-11-25T10:00:00Z');
  let client: pg.Client;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const db = await createEmptyDatabase();
    drop = db.drop;
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await migrate(client);
  });
  /** What the maintenance paired after `sql` changed the partitions by hand. */
  async function pairedAfter(sql: string): Promise<string[]> {
    await client.query(sql);
    return (await ensurePartitions(client, { monthsAhead: 3, now })).paired;
  }

  afterAll(async () => {
    await client.end();
    await drop();
  });

  it('lists the months from the first one to cover through the months ahead', () => {
    expect(monthsToCover(new Date('2026-11-03T00:00:00Z'), now, 2).map((month) => month.suffix)).toEqual([
      'p2026_11',
      'p2026_12',
      'p2027_01',
    ]);
    expect(monthsToCover(new Date('2026-12-31T23:59:59Z'), now, 1)[0]).toEqual({
      suffix: 'p2026_12',
      from: '2026-12-01',
      to: '2027-01-01',
    });
  });

  it('creates the partitions of both tables for this month and the months ahead', async () => {
    const report = await ensurePartitions(client, { monthsAhead: 3, now });
    expect(report.created).toEqual([
      'reservations.reservations_p2026_11',
      'reservations.status_history_p2026_11',
      'reservations.reservations_p2026_12',
      'reservations.status_history_p2026_12',
      'reservations.reservations_p2027_01',
      'reservations.status_history_p2027_01',
      'reservations.reservations_p2027_02',
      'reservations.status_history_p2027_02',
    ]);
    expect(report.failed).toEqual([]);
    expect(report.paired).toEqual([]);
  });

  it('keys every history partition to the reservations partition of its month, and nothing else', async () => {
    expect(await historyKeys(client)).toEqual([
      'status_history_default -> reservations_default',
      'status_history_p2026_11 -> reservations_p2026_11',
      'status_history_p2026_12 -> reservations_p2026_12',
      'status_history_p2027_01 -> reservations_p2027_01',
      'status_history_p2027_02 -> reservations_p2027_02',
    ]);
  });

  it('refuses a history row without its reservation, and deletes history with its reservation', async () => {
    const id = await insertReservation(client, new Date('2026-11-20T09:00:00Z'));
    await insertHistory(client, id, '2026-11-20');
    await expect(insertHistory(client, uuidV7At(Date.parse('2026-11-20T09:00:01Z')), '2026-11-20')).rejects.toThrow(
      /status_history_p2026_11_reservation_fkey/,
    );
    await client.query('DELETE FROM reservations.reservations WHERE id = $1', [id]);
    const { rows } = await client.query('SELECT count(*)::int AS n FROM reservations.status_history WHERE reservation_id = $1', [
      id,
    ]);
    expect(rows[0].n).toBe(0);
  });

  it('puts back a key dropped by hand, and says so', async () => {
    const paired = await pairedAfter(
      'ALTER TABLE reservations.status_history_p2026_12 DROP CONSTRAINT status_history_p2026_12_reservation_fkey',
    );
    expect(paired).toEqual(['added reservations.status_history_p2026_12_reservation_fkey']);
    expect(await historyKeys(client)).toContain('status_history_p2026_12 -> reservations_p2026_12');
  });

  it('creates the history partition of a reservations partition made by hand, with its key', async () => {
    const paired = await pairedAfter(
      `CREATE TABLE reservations.reservations_p2030_01 PARTITION OF reservations.reservations FOR VALUES FROM ('2030-01-01') TO ('2030-02-01')`,
    );
    expect(paired).toEqual([
      'created reservations.status_history_p2030_01',
      'added reservations.status_history_p2030_01_reservation_fkey',
    ]);
    expect(await historyKeys(client)).toContain('status_history_p2030_01 -> reservations_p2030_01');
  });

  it('drops an empty history partition that has no reservations partition, and refuses one with rows', async () => {
    const paired = await pairedAfter(
      `CREATE TABLE reservations.status_history_p2030_03 PARTITION OF reservations.status_history FOR VALUES FROM ('2030-03-01') TO ('2030-04-01')`,
    );
    expect(paired).toEqual(['dropped reservations.status_history_p2030_03 (empty, no reservations partition of its bounds)']);

    await client.query(
      `CREATE TABLE reservations.status_history_p2030_04 PARTITION OF reservations.status_history FOR VALUES FROM ('2030-04-01') TO ('2030-05-01')`,
    );
    await insertHistory(client, uuidV7At(Date.parse('2030-04-02T00:00:00Z')), '2030-04-02');
    const refused = await ensurePartitions(client, { monthsAhead: 3, now });
    expect(refused.failed).toEqual([
      { partition: 'reservations.status_history', reason: expect.stringMatching(/status_history_p2030_04 .* holds rows/) },
    ]);
    await client.query('DROP TABLE reservations.status_history_p2030_04');
  });

  it('is idempotent: a second run creates nothing', async () => {
    const report = await ensurePartitions(client, { monthsAhead: 3, now });
    expect(report.created).toEqual([]);
    expect(report.failed).toEqual([]);
  });

  it('routes a booking to the partition of its month', async () => {
    const id = await insertReservation(client, new Date('2026-12-15T12:00:00Z'));
    const { rows } = await client.query(
      'SELECT tableoid::regclass::text AS partition FROM reservations.reservations WHERE id = $1',
      [id],
    );
    expect(rows[0].partition).toBe('reservations.reservations_p2026_12');
  });

  it('rejects a row whose reservation_date disagrees with its UUIDv7 id', async () => {
    await expect(insertReservation(client, new Date('2026-12-15T12:00:00Z'), '2026-12-16')).rejects.toThrow(
      /reservations_id_matches_date/,
    );
  });

  it('reports rows that fell into the default partition, and leaves them in place', async () => {
    expect(await strayRows(client)).toEqual([]);
    await insertReservation(client, new Date('2031-03-02T08:00:00Z'));

    const report = await ensurePartitions(client, { monthsAhead: 3, now });
    expect(report.strays).toEqual([
      { table: 'reservations.reservations_default', rows: 1, oldest: '2031-03-02', newest: '2031-03-02' },
    ]);
  });

  it('names the month it cannot create because stray rows of that month block it', async () => {
    const report = await ensurePartitions(client, {
      monthsAhead: 3,
      now: new Date('2031-03-10T00:00:00Z'),
      from: new Date('2031-03-01T00:00:00Z'),
    });
    expect(report.failed.map((failure) => failure.partition)).toEqual(['reservations.reservations_p2031_03']);
    expect(report.failed[0]?.reason).toMatch(/default partition/);
    expect(report.created).toContain('reservations.reservations_p2031_04');
    expect(report.created).toContain('reservations.status_history_p2031_04');
    // Not half a month: the month's history partition waits with its reservations partition.
    expect(report.created).not.toContain('reservations.status_history_p2031_03');
    const { rows } = await client.query('SELECT count(*)::int AS n FROM reservations.reservations_default');
    expect(rows[0].n).toBe(1);
  });

  it("moves the stray month with the Runbook's own SQL, history and key included", async () => {
    // The stray booking of 2031-03-02 (above) gets a participant and a history row, as a real one has.
    const { rows: strays } = await client.query<{ id: string }>('SELECT id FROM reservations.reservations_default');
    const stray = strays[0]?.id as string;
    await client.query(
      `INSERT INTO reservations.participants (id, reservation_id, reservation_date, full_name, age_category)
       VALUES (gen_random_uuid(), $1, '2031-03-02', 'Stray Party', 'ADULT')`,
      [stray],
    );
    await insertHistory(client, stray, '2031-03-02');

    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const runbook = readme.slice(readme.indexOf('**Partitions.**'));
    const sql = /```sql\n([\s\S]*?)```/.exec(runbook)?.[1];
    expect(sql).toContain('pair_status_history_partitions');
    await client.query(sql as string);

    const { rows } = await client.query(
      `SELECT (SELECT tableoid::regclass::text FROM reservations.reservations WHERE id = $1) AS reservation,
              (SELECT tableoid::regclass::text FROM reservations.status_history WHERE reservation_id = $1) AS history,
              (SELECT count(*)::int FROM reservations.participants WHERE reservation_id = $1) AS participants`,
      [stray],
    );
    expect(rows[0]).toEqual({
      reservation: 'reservations.reservations_p2031_03',
      history: 'reservations.status_history_p2031_03',
      participants: 1,
    });
    expect(await historyKeys(client)).toContain('status_history_p2031_03 -> reservations_p2031_03');
    expect(await strayRows(client)).toEqual([]);
  });
});
