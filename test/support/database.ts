import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { withAdmin, withDatabase } from './postgres.js';

/**
 * Each test file gets its own database, cloned from the migrated template (a few hundred ms),
 * so files run in parallel without seeing each other's rows.
 */
export interface TestDatabase {
  name: string;
  url: string;
  pool: pg.Pool;
  /**
   * A pool of one connection, made once and ended by `drop()`: every statement through it runs on
   * the same session, so a test can read that session's settings and cached plans.
   */
  oneConnection(): pg.Pool;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('pgAdminUrl');
  const name = `${inject('pgRunPrefix')}_${randomBytes(4).toString('hex')}`;
  await withAdmin(adminUrl, (admin) => admin.query(`CREATE DATABASE "${name}" TEMPLATE "${inject('pgTemplate')}"`));
  const url = withDatabase(adminUrl, name);
  const pool = new pg.Pool({ connectionString: url, max: 20 });
  pool.on('error', () => {});
  let single: pg.Pool | undefined;
  return {
    name,
    url,
    pool,
    oneConnection: () => {
      single ??= new pg.Pool({ connectionString: url, max: 1 });
      return single;
    },
    drop: async () => {
      await single?.end();
      await pool.end();
      await withAdmin(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/** An empty database on the test server (no migrations), for the migration runner's own tests. */
export async function createEmptyDatabase(): Promise<Omit<TestDatabase, 'pool' | 'oneConnection'>> {
  const adminUrl = inject('pgAdminUrl');
  const name = `${inject('pgRunPrefix')}_${randomBytes(4).toString('hex')}`;
  await withAdmin(adminUrl, (admin) => admin.query(`CREATE DATABASE "${name}"`));
  return {
    name,
    url: withDatabase(adminUrl, name),
    drop: () => withAdmin(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => {}),
  };
}
