import { type Config, ConfigError, loadConfig } from './config.js';
import type { EmbeddedDatabase } from './db/embedded-postgres.js';
import { describeDatabaseUrl } from './db/pool.js';
import { createLogger } from './observability/logger.js';
import { stopTracing } from './observability/tracing.js';
import { logProcessWarnings } from './observability/warnings.js';
import { startService } from './service.js';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  logProcessWarnings(logger);

  let embedded: EmbeddedDatabase | null = null;
  let databaseUrl = config.database.url;
  if (!databaseUrl) {
    // Loaded only here; the cluster registers no exit hooks (src/db/embedded-postgres-cluster.ts):
    // the cluster is stopped by the shutdown below, after the requests in flight.
    const { startEmbeddedPostgres } = await import('./db/embedded-postgres.js');
    embedded = await startEmbeddedPostgres(config.database.embedded, logger);
    databaseUrl = embedded.url;
  }

  // The embedded default also stands in for the services we call, unless they are configured.
  let stubs: { stop(): Promise<void> } | null = null;
  const { guestProfiles, tripCatalog, payments } = config.dependencies.urls;
  if (config.environment !== 'production' && !guestProfiles && !tripCatalog && !payments) {
    const { bookingServiceUrls, startStubs } = await import('../stubs/index.js');
    const running = await startStubs({ 'guest-profiles': 0, 'trip-catalog': 0, payments: 0, notifications: 0 });
    stubs = running;
    // The environment again, with the stubs' addresses: already valid, so this cannot throw.
    config = loadConfig({
      ...process.env,
      ...bookingServiceUrls(running),
      NOTIFICATIONS_URL: config.outbox.notifications.url ?? running.urls.notifications,
    });
    logger.info(running.urls, 'stub services started for guest profiles, trip catalog, payments and notifications');
  }

  const service = await startService({ config, databaseUrl, logger });
  logger.info(
    {
      url: `http://localhost:${service.port}/graphql`,
      database: embedded ? `embedded PostgreSQL 15 (${config.database.embedded.dir})` : describeDatabaseUrl(databaseUrl),
      kafka: config.kafka.brokers.join(',') || 'none (events wait in the outbox)',
    },
    `svc-reservations subgraph ready on http://localhost:${service.port}/graphql`,
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    service
      .stop()
      .then(() => stubs?.stop())
      .then(() => embedded?.stop())
      .then(() => stopTracing())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('svc-reservations failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
