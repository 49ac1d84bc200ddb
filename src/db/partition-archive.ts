import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type pg from 'pg';

/**
 * Archiving a month older than the business retention (README, Runbook: archiving old months):
 * its rows leave the live tables into a `pg_dump` file and come back from it. The monthly
 * partitions of `reservations` and `status_history` are detached (no rewrite, a brief lock on the
 * parents); rows of the unpartitioned tables that reference that month (participants, partner
 * references, idempotency keys) are moved into staging tables first, since foreign keys forbid
 * detaching a partition that rows still reference. All of it is dumped to one file, then dropped.
 * `restore` reverses it: pg_restore (the history partition's key to its reservations partition
 * comes back with them), attach (PostgreSQL re-checks the bounds), then move the staged rows back.
 */

const SCHEMA = 'reservations';
const run = promisify(execFile);

/** Unpartitioned tables whose rows point at a reservation of the month. */
const CHILD_TABLES = ['participants', 'partner_references', 'idempotency_keys'] as const;
const PARTITIONED = ['reservations', 'status_history'] as const;

export interface ArchivedMonth {
  month: string;
  file: string;
  rows: Record<string, number>;
}

/** `2016-03` → its partition suffix and bounds. */
export function monthBounds(month: string): { suffix: string; from: string; to: string } {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  if (!match) throw new RangeError(`a month is written YYYY-MM, got ${JSON.stringify(month)}`);
  const [year, number] = [Number(match[1]), Number(match[2])];
  if (number < 1 || number > 12) throw new RangeError(`no month ${month}`);
  const next = new Date(Date.UTC(year, number, 1)).toISOString().slice(0, 10);
  return { suffix: `p${match[1]}_${match[2]}`, from: `${month}-01`, to: next };
}

const staging = (table: string, suffix: string) => `archive_${table}_${suffix}`;
const partition = (table: string, suffix: string) => `${table}_${suffix}`;

export async function archiveMonth(
  client: pg.ClientBase,
  databaseUrl: string,
  month: string,
  file: string,
): Promise<ArchivedMonth> {
  const { suffix, from, to } = monthBounds(month);
  const rows: Record<string, number> = {};
  await client.query('BEGIN');
  try {
    for (const table of CHILD_TABLES) {
      const name = staging(table, suffix);
      await client.query(
        `CREATE TABLE "${SCHEMA}"."${name}" AS SELECT * FROM "${SCHEMA}"."${table}" WHERE reservation_date >= $1 AND reservation_date < $2`,
        [from, to],
      );
      const deleted = await client.query(
        `DELETE FROM "${SCHEMA}"."${table}" WHERE reservation_date >= $1 AND reservation_date < $2`,
        [from, to],
      );
      rows[table] = deleted.rowCount ?? 0;
    }
    // The history partition's key points at the month's reservations partition alone (migration
    // 20261211000000): the two leave together, into the file and out of the database, key and all.
    for (const table of PARTITIONED) {
      const name = partition(table, suffix);
      await client.query(`ALTER TABLE "${SCHEMA}"."${table}" DETACH PARTITION "${SCHEMA}"."${name}"`);
      const counted = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${SCHEMA}"."${name}"`);
      rows[table] = counted.rows[0]?.n ?? 0;
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
  const tables = [...PARTITIONED.map((t) => partition(t, suffix)), ...CHILD_TABLES.map((t) => staging(t, suffix))];
  await run('pg_dump', ['--format=custom', `--file=${file}`, ...tables.map((t) => `--table=${SCHEMA}.${t}`), databaseUrl]);
  // Only once the file is written: then the month leaves the database (history before the reservations its key references).
  for (const table of [...tables].reverse()) await client.query(`DROP TABLE "${SCHEMA}"."${table}"`);
  return { month, file, rows };
}

export async function restoreMonth(client: pg.ClientBase, databaseUrl: string, month: string, file: string): Promise<void> {
  const { suffix, from, to } = monthBounds(month);
  await run('pg_restore', ['--no-owner', `--dbname=${databaseUrl}`, file]);
  await client.query('BEGIN');
  try {
    for (const table of PARTITIONED) {
      await client.query(
        `ALTER TABLE "${SCHEMA}"."${table}" ATTACH PARTITION "${SCHEMA}"."${partition(table, suffix)}" FOR VALUES FROM ('${from}') TO ('${to}')`,
      );
    }
    for (const table of CHILD_TABLES) {
      const name = staging(table, suffix);
      await client.query(`INSERT INTO "${SCHEMA}"."${table}" SELECT * FROM "${SCHEMA}"."${name}"`);
      await client.query(`DROP TABLE "${SCHEMA}"."${name}"`);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}
