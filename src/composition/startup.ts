import type pg from 'pg';
import { OutboundClients } from '../clients/services.js';
import type { Config } from '../config.js';
import { migrate } from '../db/migrations.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';

/** Applies pending migrations before anything serves (MIGRATE_ON_START). */
export async function migrateOnStart(pool: pg.Pool, tableSchema: string, logger: Logger): Promise<void> {
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

/** The clients of the services called while booking; none when their URLs are not configured. */
export function outboundClients(config: Config, logger: Logger, metrics: Metrics): OutboundClients | null {
  const { guestProfiles, tripCatalog, payments } = config.dependencies.urls;
  if (!guestProfiles || !tripCatalog || !payments) {
    logger.warn('GUEST_PROFILES_URL, TRIP_CATALOG_URL or PAYMENTS_URL is not set: bookings are not checked with other services');
    return null;
  }
  return new OutboundClients({
    guestProfilesUrl: guestProfiles,
    tripCatalogUrl: tripCatalog,
    paymentsUrl: payments,
    timeoutMs: config.dependencies.timeoutMs,
    retry: { retries: config.dependencies.retries, baseDelayMs: 100, maxDelayMs: 1_000 },
    breaker: config.dependencies.breaker,
    onBreakerChange: (service, state) => logger.warn({ service, state }, 'circuit breaker changed state'),
    onCall: (service, outcome, seconds) => metrics.observeDependencyCall(service, outcome, seconds),
  });
}
