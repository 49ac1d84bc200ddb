import type pg from 'pg';
import { withAdvisoryLock } from './advisory-lock.js';

/**
 * Monthly range partitions of the partitioned tables, created ahead of time. Names follow
 * pg_partman's `<parent>_pYYYY_MM` convention so a later move to pg_partman keeps them
 * (docs/adr/0003-partition-maintenance.md).
 */

export const PARTITIONED_TABLES = ['reservations', 'status_history'] as const;
const SCHEMA = 'reservations';
/** Two instances running maintenance at once take turns. */
const MAINTENANCE_LOCK_KEY = 72_707_369_002;

export interface MonthRange {
  /** `p2026_11` */
  suffix: string;
  /** first day of the month, `2026-11-01` */
  from: string;
  /** first day of the next month */
  to: string;
}

export interface StrayRows {
  table: string;
  rows: number;
  oldest: string | null;
  newest: string | null;
}

export interface MaintenanceReport {
  created: string[];
  /** Keys between history and reservations partitions added (or stray history partitions dropped) besides the months created. */
  paired: string[];
  failed: { partition: string; reason: string }[];
  strays: StrayRows[];
}

export interface MaintenanceOptions {
  /** Months after the current one to have partitions for. */
  monthsAhead: number;
  /** First month to cover (defaults to the current month); the seeders of old data use it. */
  from?: Date;
  now?: Date;
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Every month from `from`'s month through `monthsAhead` months after `now`'s month, in UTC. */
export function monthsToCover(from: Date, now: Date, monthsAhead: number): MonthRange[] {
  const months: MonthRange[] = [];
  const last = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + monthsAhead, 1);
  let cursor = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), 1));
  while (cursor.getTime() <= last) {
    const next = new Date(Date.UTC(cursor.getUTCFullYear(), cursor.getUTCMonth() + 1, 1));
    const month = String(cursor.getUTCMonth() + 1).padStart(2, '0');
    months.push({ suffix: `p${cursor.getUTCFullYear()}_${month}`, from: isoDate(cursor), to: isoDate(next) });
    cursor = next;
  }
  return months;
}

async function existingPartitions(client: pg.ClientBase): Promise<Set<string>> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT c.relname AS name
       FROM pg_inherits i
       JOIN pg_class c ON c.oid = i.inhrelid
       JOIN pg_class p ON p.oid = i.inhparent
       JOIN pg_namespace n ON n.oid = p.relnamespace
      WHERE n.nspname = $1 AND p.relname = ANY($2)`,
    [SCHEMA, [...PARTITIONED_TABLES]],
  );
  return new Set(rows.map((row) => row.name));
}

/** Rows that fell into a DEFAULT partition: each one blocks creating its month's partition. */
export async function strayRows(client: pg.ClientBase): Promise<StrayRows[]> {
  const strays: StrayRows[] = [];
  for (const table of PARTITIONED_TABLES) {
    const { rows } = await client.query<{ rows: string; oldest: Date | null; newest: Date | null }>(
      `SELECT count(*) AS rows, min(reservation_date) AS oldest, max(reservation_date) AS newest
         FROM "${SCHEMA}"."${table}_default"`,
    );
    const row = rows[0];
    const count = Number(row?.rows ?? 0);
    if (count > 0) {
      strays.push({
        table: `${SCHEMA}.${table}_default`,
        rows: count,
        oldest: row?.oldest ? isoDate(row.oldest) : null,
        newest: row?.newest ? isoDate(row.newest) : null,
      });
    }
  }
  return strays;
}

/**
 * Idempotent: creates only the partitions that are missing, then reports stray rows. A month's
 * partitions of both tables are created in one transaction with the foreign key between them
 * (`reservations.pair_status_history_partitions()`, migration 20261211000000): a history
 * partition must never take rows while its reservations partition is missing, or the other way
 * round, since a history row's key is checked against the reservations partition of its bounds.
 */
export async function ensurePartitions(client: pg.ClientBase, options: MaintenanceOptions): Promise<MaintenanceReport> {
  const now = options.now ?? new Date();
  const months = monthsToCover(options.from ?? now, now, options.monthsAhead);
  const report: MaintenanceReport = { created: [], paired: [], failed: [], strays: [] };

  return withAdvisoryLock(client, MAINTENANCE_LOCK_KEY, async () => {
    const existing = await existingPartitions(client);
    for (const month of months) {
      const missing = PARTITIONED_TABLES.map((table) => `${table}_${month.suffix}`).filter((name) => !existing.has(name));
      if (missing.length === 0) continue;
      let current = '';
      await client.query('BEGIN');
      try {
        for (const name of missing) {
          current = name;
          const table = name.slice(0, -month.suffix.length - 1);
          await client.query(
            `CREATE TABLE "${SCHEMA}"."${name}" PARTITION OF "${SCHEMA}"."${table}"
               FOR VALUES FROM ('${month.from}') TO ('${month.to}')`,
          );
        }
        current = `status_history_${month.suffix}_reservation_fkey`;
        const paired = await pairHistoryPartitions(client);
        await client.query('COMMIT');
        report.created.push(...missing.map((name) => `${SCHEMA}.${name}`));
        // The month's own key is part of creating it; anything else it did is worth a line of its own.
        report.paired.push(...paired.filter((line) => !line.endsWith(`status_history_${month.suffix}_reservation_fkey`)));
      } catch (error) {
        await client.query('ROLLBACK');
        // 23514: rows of this month already sit in the default partition (Runbook: partitions).
        report.failed.push({ partition: `${SCHEMA}.${current}`, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    // Pairs left without their key by hand (a partition created outside this job) get it now.
    try {
      report.paired.push(...(await pairHistoryPartitions(client)));
    } catch (error) {
      report.failed.push({
        partition: `${SCHEMA}.status_history`,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
    report.strays = await strayRows(client);
    return report;
  });
}

/** What `pair_status_history_partitions()` did: one line per partition created or dropped and key added. */
async function pairHistoryPartitions(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ line: string }>(`SELECT "${SCHEMA}".pair_status_history_partitions() AS line`);
  return rows.map((row) => row.line);
}
