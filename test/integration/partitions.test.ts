import { randomBytes } from 'node:crypto';
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
      'reservations.reservations_p2026_12',
      'reservations.reservations_p2027_01',
      'reservations.reservations_p2027_02',
      'reservations.status_history_p2026_11',
      'reservations.status_history_p2026_12',
      'reservations.status_history_p2027_01',
      'reservations.status_history_p2027_02',
    ]);
    expect(report.failed).toEqual([]);
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
    const { rows } = await client.query('SELECT count(*)::int AS n FROM reservations.reservations_default');
    expect(rows[0].n).toBe(1);
  });
});
