import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { withAdvisoryLock } from './advisory-lock.js';

/**
 * Applies prisma/migrations/<name>/migration.sql in name order, each in its own transaction, and
 * records them in `_prisma_migrations` exactly as `prisma migrate deploy` does (id, sha256
 * checksum of the file, timestamps, applied_steps_count), so the Prisma CLI agrees with us where
 * its schema engine is available. See docs/adr/0001-own-migration-runner.md.
 */

export const defaultMigrationsDir = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));

/** Any instance that migrates takes this session lock first, so two starting at once take turns. */
const MIGRATION_LOCK_KEY = 72_707_369_001;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: string[];
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

export async function readMigrations(dir = defaultMigrationsDir): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: checksumOf(sql) };
    }),
  );
}

/** The schema Prisma keeps its table in: the URL's `schema` parameter, else `public`. */
export function migrationsTableSchema(databaseUrl: string | undefined): string {
  if (!databaseUrl) return 'public';
  try {
    return new URL(databaseUrl).searchParams.get('schema') ?? 'public';
  } catch {
    return 'public';
  }
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/** Throws unless every applied migration still matches its file and none is left failed. */
export function verifyApplied(files: MigrationFile[], applied: AppliedRow[]): void {
  const byName = new Map(files.map((file) => [file.name, file]));
  for (const row of applied) {
    if (row.rolled_back_at) continue;
    if (!row.finished_at) {
      throw new MigrationError(
        `migration ${row.migration_name} was started and never finished; resolve it by hand before starting (Runbook: migrations)`,
      );
    }
    const file = byName.get(row.migration_name);
    if (!file) {
      throw new MigrationError(`migration ${row.migration_name} is applied to the database but missing from prisma/migrations`);
    }
    if (file.checksum !== row.checksum) {
      throw new MigrationError(
        `migration ${row.migration_name} was modified after it was applied (checksum ${row.checksum.slice(0, 12)}… in the database, ${file.checksum.slice(0, 12)}… on disk); add a new migration instead of editing an applied one`,
      );
    }
  }
}

export async function migrate(
  client: pg.ClientBase,
  options: { dir?: string; tableSchema?: string; log?: (line: string) => void } = {},
): Promise<MigrationReport> {
  const files = await readMigrations(options.dir);
  const table = `${quoteIdent(options.tableSchema ?? 'public')}."_prisma_migrations"`;
  const log = options.log ?? (() => {});

  return withAdvisoryLock(client, MIGRATION_LOCK_KEY, async () => {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(options.tableSchema ?? 'public')}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${table} (
      "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum"            VARCHAR(64) NOT NULL,
      "finished_at"         TIMESTAMPTZ,
      "migration_name"      VARCHAR(255) NOT NULL,
      "logs"                TEXT,
      "rolled_back_at"      TIMESTAMPTZ,
      "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
    const { rows } = await client.query<AppliedRow>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM ${table} ORDER BY started_at`,
    );
    verifyApplied(files, rows);

    const done = new Set(rows.filter((row) => row.finished_at && !row.rolled_back_at).map((row) => row.migration_name));
    const report: MigrationReport = { applied: [], alreadyApplied: [...done] };
    for (const file of files) {
      if (done.has(file.name)) continue;
      await applyOne(client, table, file);
      log(`applied migration ${file.name}`);
      report.applied.push(file.name);
    }
    return report;
  });
}

/** One migration, its SQL and its record commit together or not at all. */
async function applyOne(client: pg.ClientBase, table: string, file: MigrationFile): Promise<void> {
  const id = randomUUID();
  await client.query('BEGIN');
  try {
    await client.query(
      `INSERT INTO ${table} (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`,
      [id, file.checksum, file.name],
    );
    await client.query(file.sql);
    await client.query(`UPDATE ${table} SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1`, [id]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`migration ${file.name} failed and was rolled back: ${reason}`);
  }
}

/** Names of migrations on disk that the database has not applied (for readiness and status). */
export async function pendingMigrations(client: pg.ClientBase, tableSchema = 'public', dir?: string): Promise<string[]> {
  return pendingOf(
    (await readMigrations(dir)).map((file) => file.name),
    client,
    tableSchema,
  );
}

/** The same against a list of names read once (readiness runs every few seconds). */
export async function pendingOf(names: string[], client: pg.ClientBase, tableSchema = 'public'): Promise<string[]> {
  const exists = await client.query<{ present: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS present`, [
    `${quoteIdent(tableSchema)}."_prisma_migrations"`,
  ]);
  if (!exists.rows[0]?.present) return names;
  const { rows } = await client.query<{ migration_name: string }>(
    `SELECT migration_name FROM ${quoteIdent(tableSchema)}."_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  const applied = new Set(rows.map((row) => row.migration_name));
  return names.filter((name) => !applied.has(name));
}
