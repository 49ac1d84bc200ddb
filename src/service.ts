import { randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import type { AppDeps } from './app/deps.js';
import type { Config } from './config.js';
import { schedulePartitionMaintenance } from './db/maintenance.js';
import { migrate, migrationsTableSchema, pendingMigrations } from './db/migrations.js';
import { createPool, createPrisma, type PrismaClient } from './db/pool.js';
import { createApolloServer } from './graphql/apollo.js';
import type { GraphQLContext } from './graphql/context.js';
import { createHttpServer } from './graphql/http-server.js';
import { createLoaders } from './graphql/loaders.js';
import { buildSchema } from './graphql/schema.js';
import type { Logger } from './observability/logger.js';

/** The running subgraph: database pool, Prisma, Apollo, HTTP server and background jobs. */
export interface Service {
  url: string;
  port: number;
  pool: pg.Pool;
  prisma: PrismaClient;
  stop(): Promise<void>;
}

export interface ServiceOptions {
  config: Config;
  databaseUrl: string;
  logger: Logger;
  /** Tests fix the clock. */
  clock?: () => Date;
}

const MAX_BODY_BYTES = 1_000_000;

export async function startService(options: ServiceOptions): Promise<Service> {
  const { config, databaseUrl, logger } = options;
  const pool = createPool(databaseUrl, config.DATABASE_POOL_MAX, logger);
  const tableSchema = migrationsTableSchema(databaseUrl);

  if (config.MIGRATE_ON_START) {
    const client = await pool.connect();
    try {
      const report = await migrate(client, { tableSchema, log: (line) => logger.info(line) });
      logger.info(
        { applied: report.applied.length, total: report.applied.length + report.alreadyApplied.length },
        'migrations up to date',
      );
    } finally {
      client.release();
    }
  }
  const maintenance = schedulePartitionMaintenance(
    pool,
    { monthsAhead: config.PARTITION_MONTHS_AHEAD, intervalMs: config.PARTITION_MAINTENANCE_INTERVAL_MS },
    logger,
  );
  await maintenance.runNow();

  const prisma = createPrisma(pool, logger);
  const deps: AppDeps = {
    prisma,
    clock: options.clock ?? (() => new Date()),
    random: (bytes) => randomBytes(bytes),
    transactionOptions: { maxWait: 10_000, timeout: 15_000 },
  };

  const apollo = createApolloServer(buildSchema(), { logger, production: config.NODE_ENV === 'production' });
  await apollo.start();

  const readiness = async (): Promise<string[]> => {
    const failed: string[] = [];
    try {
      const client = await pool.connect();
      try {
        if ((await pendingMigrations(client, tableSchema)).length > 0) failed.push('migrations pending');
      } finally {
        client.release();
      }
    } catch {
      failed.push('database unreachable');
    }
    return failed;
  };

  const server: Server = createHttpServer({
    apollo,
    maxBodyBytes: MAX_BODY_BYTES,
    readiness,
    context: async (request): Promise<GraphQLContext> => {
      const requestId = String(request.headers['x-request-id'] ?? randomUUID());
      return {
        requestId,
        // Replaced by the verified caller of the gateway's token (issue: supergraph access).
        actor: { kind: 'staff', id: 'anonymous' },
        loaders: createLoaders(prisma),
        deps,
        logger: logger.child({ requestId }),
      };
    },
  });
  await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    pool,
    prisma,
    stop: async () => {
      maintenance.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await apollo.stop();
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
