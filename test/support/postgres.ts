import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { embeddedCluster } from '../../src/db/embedded-postgres-cluster.js';

/**
 * Where the tests get PostgreSQL 15: the server named by DATABASE_URL when set (docker compose,
 * CI with a service), else the machine's server on 127.0.0.1:5432 when it answers, else a cluster
 * started here from the `embedded-postgres` binaries. Tests only ever work in throwaway databases
 * created on that server, never in the database a URL names.
 */

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const LOCAL_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestPostgres {
  /** A URL of the server's maintenance database, for CREATE/DROP DATABASE. */
  adminUrl: string;
  source: string;
  stop(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  parsed.searchParams.delete('schema');
  return parsed.toString();
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const configured = process.env.DATABASE_URL;
  if (configured) {
    const adminUrl = withDatabase(configured, 'postgres');
    if (!(await answers(adminUrl)))
      throw new Error(`DATABASE_URL is set but its server does not answer: ${new URL(configured).host}`);
    return { adminUrl, source: `DATABASE_URL server ${new URL(configured).host}`, stop: async () => {} };
  }
  if (await answers(LOCAL_URL)) {
    return { adminUrl: LOCAL_URL, source: 'local server 127.0.0.1:5432', stop: async () => {} };
  }
  const databaseDir = path.join(repoRoot, '.cache', 'test-postgres');
  const port = await freePort();
  const server = await testCluster({ databaseDir, port, password: 'test', flags: ['-c', 'max_connections=200'] });
  if (!server.isInitialised()) await server.initialise();
  await server.start();
  return {
    adminUrl: `postgresql://postgres:test@127.0.0.1:${port}/postgres`,
    source: `embedded PostgreSQL on 127.0.0.1:${port}`,
    stop: () => server.stop(),
  };
}

/**
 * A cluster from the embedded PostgreSQL 15 binaries, on loopback, without fsync (tests only). As
 * root it runs as `postgres`, from wherever that user can reach (src/db/embedded-postgres-access.ts).
 */
function testCluster(options: { databaseDir: string; port: number; password: string; flags?: string[] }) {
  return embeddedCluster({
    dataDir: options.databaseDir,
    port: options.port,
    user: 'postgres',
    password: options.password,
    flags: ['-c', 'fsync=off', ...(options.flags ?? [])],
  });
}

export async function withAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface ScratchPostgres {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** A PostgreSQL 15 cluster of a test's own (embedded binaries), so the test may stop and start it. */
export async function startScratchPostgres(): Promise<ScratchPostgres> {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const databaseDir = mkdtempSync(path.join(tmpdir(), 'scratch-pg-'));
  rmSync(databaseDir, { recursive: true, force: true });
  const port = await freePort();
  const server = await testCluster({ databaseDir, port, password: 'scratch' });
  await server.initialise();
  await server.start();
  await withAdmin(`postgresql://postgres:scratch@127.0.0.1:${port}/postgres`, (admin) => admin.query('CREATE DATABASE scratch'));
  return {
    url: `postgresql://postgres:scratch@127.0.0.1:${port}/scratch`,
    stop: () => server.stop(),
    start: () => server.start(),
    destroy: async () => {
      await server.stop().catch(() => {});
      rmSync(server.dataDir.path, { recursive: true, force: true });
      rmSync(databaseDir, { recursive: true, force: true });
    },
  };
}
