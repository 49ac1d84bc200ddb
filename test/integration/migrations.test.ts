import { appendFileSync, cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checksumOf,
  defaultMigrationsDir,
  MigrationError,
  migrate,
  pendingMigrations,
  readMigrations,
} from '../../src/db/migrations.js';
import { createEmptyDatabase } from '../support/database.js';

const dropAfter: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (dropAfter.length) await dropAfter.pop()?.();
});

async function emptyDatabase(): Promise<string> {
  const db = await createEmptyDatabase();
  dropAfter.push(db.drop);
  return db.url;
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  dropAfter.push(() => client.end());
  return client;
}

function copyOfMigrations(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'migrations-'));
  cpSync(defaultMigrationsDir, dir, { recursive: true });
  return dir;
}

describe('the migration runner', () => {
  it('applies every migration and records it in _prisma_migrations the way Prisma does', async () => {
    const client = await connect(await emptyDatabase());
    const report = await migrate(client);
    const files = await readMigrations();

    expect(report.applied).toEqual(files.map((file) => file.name));
    const { rows } = await client.query(
      'SELECT migration_name, checksum, finished_at, applied_steps_count, rolled_back_at FROM public._prisma_migrations ORDER BY migration_name',
    );
    expect(rows).toHaveLength(files.length);
    for (const [index, row] of rows.entries()) {
      expect(row.migration_name).toBe(files[index]?.name);
      expect(row.checksum).toBe(checksumOf(files[index]?.sql ?? ''));
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.applied_steps_count).toBe(1);
      expect(row.rolled_back_at).toBeNull();
    }
    const tables = await client.query(`SELECT to_regclass('reservations.reservations') AS t`);
    expect(tables.rows[0].t).toBe('reservations.reservations');
  });

  it('applies nothing the second time', async () => {
    const client = await connect(await emptyDatabase());
    await migrate(client);
    const again = await migrate(client);
    expect(again.applied).toEqual([]);
    expect(await pendingMigrations(client)).toEqual([]);
  });

  it('lets only one of two instances starting at once apply each migration', async () => {
    const url = await emptyDatabase();
    const [first, second] = await Promise.all([connect(url), connect(url)]);
    const reports = await Promise.all([migrate(first), migrate(second)]);
    const files = await readMigrations();

    expect(reports.flatMap((report) => report.applied).sort()).toEqual(files.map((file) => file.name).sort());
    const { rows } = await first.query('SELECT count(*)::int AS n FROM public._prisma_migrations');
    expect(rows[0].n).toBe(files.length);
  });

  it('refuses to start when an applied migration file was changed', async () => {
    const client = await connect(await emptyDatabase());
    const dir = copyOfMigrations();
    await migrate(client, { dir });
    const [first] = await readMigrations(dir);
    appendFileSync(path.join(dir, first?.name ?? '', 'migration.sql'), '\n-- edited after the fact\n');

    await expect(migrate(client, { dir })).rejects.toThrow(MigrationError);
    await expect(migrate(client, { dir })).rejects.toThrow(/modified after it was applied/);
  });

  it('rolls a failing migration back entirely and records nothing of it', async () => {
    const client = await connect(await emptyDatabase());
    const dir = copyOfMigrations();
    mkdirSync(path.join(dir, '99990101000000_broken'));
    writeFileSync(
      path.join(dir, '99990101000000_broken', 'migration.sql'),
      'CREATE TABLE reservations.half_done (id int);\nSELECT * FROM reservations.no_such_table;\n',
    );

    await expect(migrate(client, { dir })).rejects.toThrow(/99990101000000_broken failed and was rolled back/);
    const table = await client.query(`SELECT to_regclass('reservations.half_done') AS t`);
    expect(table.rows[0].t).toBeNull();
    const recorded = await client.query(
      `SELECT count(*)::int AS n FROM public._prisma_migrations WHERE migration_name = '99990101000000_broken'`,
    );
    expect(recorded.rows[0].n).toBe(0);
    expect(await pendingMigrations(client, 'public', dir)).toEqual(['99990101000000_broken']);
  });

  it('keeps its table in the schema named by the URL', async () => {
    const client = await connect(await emptyDatabase());
    await migrate(client, { tableSchema: 'ops' });
    const { rows } = await client.query(`SELECT to_regclass('ops._prisma_migrations') AS t`);
    expect(rows[0].t).toBe('ops._prisma_migrations');
  });
});
