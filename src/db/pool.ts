import { createHash } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { Logger } from '../observability/logger.js';
import { PrismaClient } from './__generated__/prisma/client.js';

// DATE columns come back as 'YYYY-MM-DD' strings, not as Dates at local midnight: a booking date
// has no time zone, and the domain compares them as ISO dates.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

export function createPool(connectionString: string, max: number, logger: Logger): pg.Pool {
  // Idle connections stay for minutes, not pg's 10 s: each keeps its prepared statements and their
  // plans (createPrisma), which a new connection has to build again (up to 60 ms for a batch).
  const pool = new pg.Pool({ connectionString, max, idleTimeoutMillis: 300_000, application_name: 'svc-reservations' });
  // Without listeners, a connection dropped by a database restart would crash the process: the
  // pool's covers idle connections, the per-client one those checked out between two queries.
  pool.on('error', (error) => logger.warn({ err: error }, 'idle database connection failed; the pool will replace it'));
  pool.on('connect', (client) => {
    client.on('error', (error) => logger.warn({ err: error }, 'database connection failed while in use'));
  });
  return pool;
}

/**
 * Every statement is prepared once per connection under a name derived from its text, so
 * PostgreSQL can keep its plan: planning a query that cannot be pruned to one partition (a guest's
 * bookings, a batch of ids) over ~125 monthly partitions costs 8–15 ms, more than running it
 * (bench/, BENCHMARKS.md). PostgreSQL still plans per execution where that is cheaper.
 */
const statementNames = new Map<string, string>();
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (!name) {
    name = `prisma_${createHash('sha256').update(sql).digest('base64url').slice(0, 24)}`;
    if (statementNames.size < 10_000) statementNames.set(sql, name);
  }
  return name;
}

export function createPrisma(pool: pg.Pool, logger: Logger): PrismaClient {
  const adapter = new PrismaPg(pool, {
    onPoolError: (error) => logger.warn({ err: error }, 'database pool error'),
    statementNameGenerator: (query) => statementName(query.sql),
  });
  return new PrismaClient({ adapter });
}

export type { PrismaClient };

/** The connection string without its password, for logs. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}
