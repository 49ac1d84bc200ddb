import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { type DepositSweepReport, scheduleDepositSweep } from './app/deposit-sweep.js';
import type { AppDeps } from './app/deps.js';
import { personalDataErasedEvent } from './app/outbox-entries.js';
import { type RetentionReport, scheduleRetention } from './app/personal-data-retention.js';
import type { PersonalDataStore } from './app/ports/personal-data-store.js';
import type { OutboundClients } from './clients/services.js';
import { createAuthenticator, listen } from './composition/http.js';
import { shutDown } from './composition/lifecycle.js';
import { readinessCheck } from './composition/readiness.js';
import { notificationSender, type Relay, relayOptionsOf, ThreadRelay } from './composition/relay-thread.js';
import { migrateOnStart, outboundClients } from './composition/startup.js';
import type { Config } from './config.js';
import { schedulePartitionMaintenance } from './db/maintenance.js';
import { migrationsTableSchema, readMigrations } from './db/migrations.js';
import { outboxLag } from './db/outbox-repository.js';
import { PrismaPersonalDataStore } from './db/personal-data.js';
import { createPool, createPrisma, type PrismaClient } from './db/pool.js';
import { defaultTransactionOptions, prismaStore } from './db/store.js';
import { TOPICS } from './events/contracts.js';
import { GuestErasedConsumer } from './events/guest-erased-consumer.js';
import { createKafka, KafkaEventPublisher } from './events/kafka.js';
import { type NotificationSender, OutboxRelay } from './events/outbox-relay.js';
import { consumerLag, PaymentProcessedConsumer } from './events/payment-consumer.js';
import type { EventDeps } from './events/payment-handler.js';
import { createApolloServer } from './graphql/apollo.js';
import { metricsPlugin } from './graphql/metrics-plugin.js';
import { requireAuthentication } from './graphql/require-authentication.js';
import { buildSchema } from './graphql/schema.js';
import type { Logger } from './observability/logger.js';
import { createMetrics, type Metrics } from './observability/metrics.js';

/**
 * The composition root: the one module that knows every adapter and wires them to the use cases.
 * The pieces it wires live in src/composition (HTTP server and request context, readiness,
 * start-up, shutdown); nothing in src imports this file but main.ts.
 */

/** The running subgraph: database pool, Prisma, Apollo, HTTP server and background jobs. */
export interface Service {
  url: string;
  port: number;
  pool: pg.Pool;
  prisma: PrismaClient;
  /** The use cases' deps, with the database the event adapters use and the concrete clients (metrics, tests). */
  deps: EventDeps & { outbound: OutboundClients | null };
  relay: Relay;
  /** Retries failed deposit requests and expires overdue holds (also on a timer). */
  depositSweep: { runNow(): Promise<DepositSweepReport> };
  /** Erases personal data past its retention (also on the maintenance timer). */
  retention: { runNow(): Promise<RetentionReport> };
  personalData: PersonalDataStore;
  stop(): Promise<void>;
}

export interface ServiceOptions {
  config: Config;
  databaseUrl: string;
  logger: Logger;
  /** Tests fix the clock. */
  clock?: () => Date;
  /** Where notifications go; none = they wait in the outbox. */
  notifier?: NotificationSender | null;
}

export async function startService(options: ServiceOptions): Promise<Service> {
  const { config, databaseUrl, logger } = options;
  const pool = createPool(databaseUrl, config.database.poolMax, logger);
  const tableSchema = migrationsTableSchema(databaseUrl);
  if (config.database.migrateOnStart) await migrateOnStart(pool, tableSchema, logger);
  const maintenance = schedulePartitionMaintenance(
    pool,
    { monthsAhead: config.database.partitions.monthsAhead, intervalMs: config.database.partitions.maintenanceIntervalMs },
    logger,
  );
  await maintenance.runNow();

  const prisma = createPrisma(pool, logger);
  const metrics = createMetrics();
  const outbound = outboundClients(config, logger, metrics);
  const appDeps: AppDeps = {
    store: prismaStore(prisma, pool),
    clock: options.clock ?? (() => new Date()),
    random: (bytes) => randomBytes(bytes),
    outbound,
  };
  const deps = { ...appDeps, db: prisma, outbound };

  const depositSweep = scheduleDepositSweep(
    deps,
    {
      intervalMs: config.deposits.sweepIntervalMs,
      retryAfterMs: config.deposits.retryAfterMs,
      holdMs: config.deposits.holdMinutes * 60_000,
      lookbackDays: Math.ceil(config.deposits.holdMinutes / 1_440) + 7,
      batchSize: 200,
    },
    logger.child({ component: 'deposit-sweep' }),
  );
  const personalData = countingErasures(
    new PrismaPersonalDataStore(
      prisma,
      (erasure) => personalDataErasedEvent({ now: erasure.at, random: deps.random }, erasure),
      defaultTransactionOptions,
    ),
    metrics,
  );
  const retention = scheduleRetention(
    personalData,
    {
      months: config.personalData.retentionMonths,
      batchSize: config.personalData.batchSize,
      maxBatches: 100,
      intervalMs: config.database.partitions.maintenanceIntervalMs,
      clock: deps.clock,
      onRun: () => metrics.markRetentionRun(new Date()),
    },
    logger.child({ component: 'personal-data-retention' }),
  );

  const authenticator = await createAuthenticator(config, logger);
  const kafka =
    config.kafka.brokers.length > 0
      ? createKafka({ brokers: config.kafka.brokers, clientId: config.kafka.clientId }, logger)
      : null;
  const publisher: KafkaEventPublisher | null = kafka ? new KafkaEventPublisher(kafka) : null;
  // On its own thread unless a test hands in a notifier of its own (it cannot cross threads).
  const onThread = config.outbox.relayThread && !options.notifier;
  // The thread has its own sender; ours is closed at shutdown (a test's notifier is the test's).
  const httpNotifier = onThread || options.notifier ? null : notificationSender(config);
  const relay: Relay = onThread
    ? new ThreadRelay({ config, databaseUrl }, logger.child({ component: 'outbox-relay' }))
    : new OutboxRelay(
        pool,
        databaseUrl,
        publisher,
        options.notifier ?? httpNotifier,
        logger.child({ component: 'outbox-relay' }),
        relayOptionsOf(config),
      );
  relay.start();
  // Connect now rather than at the first event, so readiness can tell at once.
  publisher
    ?.connect()
    .catch((error: unknown) => logger.warn({ err: error }, 'Kafka is not reachable yet; events wait in the outbox'));
  const consumer =
    kafka && config.kafka.paymentConsumer.enabled
      ? new PaymentProcessedConsumer(kafka, deps, logger.child({ component: 'payment-consumer' }), {
          groupId: config.kafka.consumerGroup,
          onDeadLetter: (store) => metrics.countDeadLetter(store),
          onRestart: () => metrics.countConsumerRestart(),
        })
      : null;
  const guestErased =
    kafka && config.kafka.guestErasedConsumer.enabled
      ? new GuestErasedConsumer(kafka, personalData, prisma, deps.clock, logger.child({ component: 'guest-erased-consumer' }), {
          // A group of its own: members of one group with different subscriptions confuse kafkajs' assignment.
          groupId: `${config.kafka.consumerGroup}.guest-erased`,
          onDeadLetter: (store) => metrics.countDeadLetter(store),
          onRestart: () => metrics.countConsumerRestart(),
        })
      : null;
  // Kafka may be down at start: the consumers keep trying in the background (and after a crash).
  consumer?.start();
  guestErased?.start();
  metrics.setProbes({
    outboxLag: () => outboxLag(pool),
    pool: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    ...(outbound && {
      breakers: () => new Map([...outbound.breakers].map(([service, breaker]) => [service, breaker.current()])),
    }),
    ...(kafka && { consumerLag: () => consumerLag(kafka, config.kafka.consumerGroup, TOPICS.paymentProcessed) }),
    ...(consumer && { paymentConsumer: () => consumer.status() }),
  });

  const apollo = createApolloServer(buildSchema(), {
    logger,
    production: config.environment === 'production',
    plugins: [requireAuthentication, metricsPlugin(metrics)],
  });
  await apollo.start();

  let shuttingDown = false;
  const readiness = readinessCheck({
    pool,
    tableSchema,
    migrationNames: (await readMigrations()).map((file) => file.name),
    publisher,
    consumer,
    guestErased,
    requiresKafka: config.kafka.readinessRequired,
    consumerGraceMs: config.kafka.paymentConsumer.readyGraceMs,
    shuttingDown: () => shuttingDown,
  });
  const server = await listen({
    config,
    apollo,
    authenticator,
    deps: appDeps,
    db: prisma,
    pool,
    personalData,
    metrics,
    logger,
    readiness,
    draining: () => shuttingDown,
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    pool,
    prisma,
    deps,
    relay,
    depositSweep,
    retention,
    personalData,
    stop: () =>
      shutDown({
        drainMs: config.http.shutdownDrainMs,
        timers: [maintenance, depositSweep, retention],
        server,
        apollo,
        relay,
        consumers: [consumer, guestErased],
        publisher,
        clients: [outbound, httpNotifier],
        prisma,
        pool,
        logger,
        onShutdownStarted: () => {
          shuttingDown = true;
        },
      }),
  };
}

/** Counts committed erasures by what triggered them (retention has no guest; events come from a service). */
function countingErasures(store: PersonalDataStore, metrics: Metrics): PersonalDataStore {
  return Object.assign(Object.create(store) as PersonalDataStore, {
    eraseReservation: async (...args: Parameters<PersonalDataStore['eraseReservation']>) => {
      const erasure = await store.eraseReservation(...args);
      const [, record] = args;
      const trigger = record.guestId === null ? 'retention' : record.actor.startsWith('service:') ? 'event' : 'request';
      if (erasure) metrics.countPersonalDataErasures(trigger, 1);
      return erasure;
    },
  });
}
