import type pg from 'pg';

/**
 * Work that one instance at a time may do (migrations, partition maintenance), under a session
 * advisory lock on `client`'s connection: the others wait for it, then find the work done.
 */
export async function withAdvisoryLock<T>(client: pg.ClientBase, key: number, work: () => Promise<T>): Promise<T> {
  await client.query('SELECT pg_advisory_lock($1)', [key]);
  try {
    return await work();
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [key]);
  }
}
