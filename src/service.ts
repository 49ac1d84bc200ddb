import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { GraphQLError } from 'graphql';
import type { JSONWebKeySet } from 'jose';
import type pg from 'pg';
import { type DepositSweepReport, scheduleDepositSweep } from './app/deposit-sweep.js';
import { type AppDeps, forOneRequest } from './app/deps.js';
import { type RetentionReport, scheduleRetention } from './app/personal-data-retention.js';
import type { PersonalDataStore } from './app/ports/personal-data-store.js';
import { OutboundClients } from './clients/services.js';
import type { Config } from './config.js';
import { schedulePartitionMaintenance } from './db/maintenance.js';
import { migrate, migrationsTableSchema, pendingOf, readMigrations } from './db/migrations.js';
import { PrismaPersonalDataStore } from './db/personal-data.js';
import { createPool, createPrisma, type PrismaClient } from './db/pool.js';
import { type Caller, UnauthenticatedError } from './domain/index.js';
import { TOPICS } from './events/contracts.js';
import { GuestErasedConsumer } from './events/guest-erased-consumer.js';
import { createKafka, KafkaEventPublisher } from './events/kafka.js';
import { HttpNotificationSender } from './events/notification-sender.js';
import { personalDataErasedEvent } from './events/outbox.js';
import { type NotificationSender, OutboxRelay, outboxLag } from './events/outbox-relay.js';
import { consumerLag, consumerProblem, PaymentProcessedConsumer } from './events/payment-consumer.js';
import { createApolloServer } from './graphql/apollo.js';
import { Authenticator, DEVELOPMENT_KEY_FILE, developmentKeys, gatewaySecretMatches } from './graphql/auth.js';
import type { GraphQLContext } from './graphql/context.js';
import { createHttpServer } from './graphql/http-server.js';
import { createLoaders } from './graphql/loaders.js';
import { metricsPlugin } from './graphql/metrics-plugin.js';
import { requireAuthentication } from './graphql/require-authentication.js';
import { buildSchema } from './graphql/schema.js';
import type { Logger } from './observability/logger.js';
import { createMetrics, type Metrics } from './observability/metrics.js';

/** The running subgraph: database pool, Prisma, Apollo, HTTP server and background jobs. */
export interface Service {
  url: string;
  port: number;
  pool: pg.Pool;
  prisma: PrismaClient;
  deps: AppDeps;
  relay: OutboxRelay;
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
  const metrics = createMetrics();
  const deps: AppDeps = {
    prisma,
    clock: options.clock ?? (() => new Date()),
    random: (bytes) => randomBytes(bytes),
    transactionOptions: { maxWait: 10_000, timeout: 15_000 },
    outbound: outboundClients(config, logger, metrics),
  };

  const depositSweep = scheduleDepositSweep(
    deps,
    {
      intervalMs: config.DEPOSIT_SWEEP_INTERVAL_MS,
      retryAfterMs: config.DEPOSIT_RETRY_AFTER_MS,
      holdMs: config.DEPOSIT_HOLD_MINUTES * 60_000,
      lookbackDays: Math.ceil(config.DEPOSIT_HOLD_MINUTES / 1_440) + 7,
      batchSize: 200,
    },
    logger.child({ component: 'deposit-sweep' }),
  );

  const personalData = countingErasures(
    new PrismaPersonalDataStore(
      prisma,
      (erasure) => personalDataErasedEvent({ now: erasure.at, random: deps.random }, erasure),
      deps.transactionOptions,
    ),
    metrics,
  );
  const retention = scheduleRetention(
    personalData,
    {
      months: config.PERSONAL_DATA_RETENTION_MONTHS,
      batchSize: config.PERSONAL_DATA_RETENTION_BATCH_SIZE,
      maxBatches: 100,
      intervalMs: config.PARTITION_MAINTENANCE_INTERVAL_MS,
      clock: deps.clock,
      onRun: () => metrics.markRetentionRun(new Date()),
    },
    logger.child({ component: 'personal-data-retention' }),
  );
  void retention
    .runNow()
    .catch((error: unknown) => logger.error({ err: error }, 'personal data retention failed; it will run again'));

  const authenticator = await createAuthenticator(config, logger);
  const kafka = config.KAFKA_BROKERS
    ? createKafka({ brokers: config.KAFKA_BROKERS.split(','), clientId: config.KAFKA_CLIENT_ID }, logger)
    : null;
  const publisher: KafkaEventPublisher | null = kafka ? new KafkaEventPublisher(kafka) : null;
  const relay = new OutboxRelay(
    pool,
    databaseUrl,
    publisher,
    options.notifier ?? (config.NOTIFICATIONS_URL ? new HttpNotificationSender(config.NOTIFICATIONS_URL) : null),
    logger.child({ component: 'outbox-relay' }),
    {
      batchSize: config.OUTBOX_BATCH_SIZE,
      pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
      maxBackoffMs: config.OUTBOX_MAX_BACKOFF_MS,
      retentionMs: config.OUTBOX_RETENTION_HOURS * 3_600_000,
      purgeIntervalMs: 3_600_000,
      notificationBackoffMs: config.NOTIFICATION_RETRY_BASE_MS,
      leaseMs: config.OUTBOX_RELAY_LEASE_MS,
    },
  );
  relay.start();
  // Connect now rather than at the first event, so readiness can tell at once.
  publisher
    ?.connect()
    .catch((error: unknown) => logger.warn({ err: error }, 'Kafka is not reachable yet; events wait in the outbox'));
  const consumer =
    kafka && config.PAYMENT_CONSUMER_ENABLED
      ? new PaymentProcessedConsumer(kafka, deps, logger.child({ component: 'payment-consumer' }), {
          groupId: config.KAFKA_CONSUMER_GROUP,
          onDeadLetter: (store) => metrics.countDeadLetter(store),
          onRestart: () => metrics.countConsumerRestart(),
        })
      : null;
  const guestErased =
    kafka && config.GUEST_ERASED_CONSUMER_ENABLED
      ? new GuestErasedConsumer(kafka, personalData, prisma, deps.clock, logger.child({ component: 'guest-erased-consumer' }), {
          // A group of its own: members of one group with different subscriptions confuse kafkajs' assignment.
          groupId: `${config.KAFKA_CONSUMER_GROUP}.guest-erased`,
          onDeadLetter: (store) => metrics.countDeadLetter(store),
          onRestart: () => metrics.countConsumerRestart(),
        })
      : null;
  // Kafka may be down at start: the consumer keeps trying in the background (and after a crash).
  consumer?.start();
  guestErased?.start();
  metrics.setProbes({
    outboxLag: () => outboxLag(pool),
    pool: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    ...(deps.outbound && {
      breakers: () => new Map([...(deps.outbound?.breakers ?? [])].map(([service, breaker]) => [service, breaker.current()])),
    }),
    ...(kafka && { consumerLag: () => consumerLag(kafka, config.KAFKA_CONSUMER_GROUP, TOPICS.paymentProcessed) }),
    ...(consumer && { paymentConsumer: () => consumer.status() }),
  });

  const apollo = createApolloServer(buildSchema(), {
    logger,
    production: config.NODE_ENV === 'production',
    plugins: [requireAuthentication, metricsPlugin(metrics)],
  });
  await apollo.start();

  let shuttingDown = false;
  const migrationNames = (await readMigrations()).map((file) => file.name);
  const readiness = async (): Promise<{ failed: string[]; checks: Record<string, string> }> => {
    const failed: string[] = shuttingDown ? ['shutting down'] : [];
    const checks: Record<string, string> = {};
    try {
      const client = await pool.connect();
      try {
        const pending = await pendingOf(migrationNames, client, tableSchema);
        checks.database = 'reachable';
        checks.migrations = pending.length === 0 ? 'applied' : `${pending.length} pending`;
        if (pending.length > 0) failed.push('migrations pending');
      } finally {
        client.release();
      }
    } catch {
      checks.database = 'unreachable';
      failed.push('database unreachable');
    }
    // Kafka down does not stop bookings (events wait in the outbox), so by default it is reported,
    // not a reason to take the instance out of rotation; READINESS_REQUIRES_KAFKA makes it one.
    checks.kafka = publisher ? (publisher.isConnected() ? 'connected' : 'disconnected') : 'not configured';
    if (config.READINESS_REQUIRES_KAFKA && publisher && !publisher.isConnected()) failed.push('kafka producer not connected');
    // A crashed or stuck consumer stalls payments (paid bookings would expire): out of rotation,
    // so it is seen. Kafka unreachable altogether is the case above, decided by its own setting.
    if (consumer) {
      const problem = consumerProblem(consumer.status(), new Date(), config.PAYMENT_CONSUMER_READY_GRACE_MS);
      checks.paymentConsumer = problem ?? (consumer.status().running ? 'running' : 'starting');
      const kafkaDown = publisher !== null && !publisher.isConnected() && !config.READINESS_REQUIRES_KAFKA;
      if (problem && !kafkaDown) failed.push(problem);
    }
    // Reported, not a reason to leave rotation: erasures wait in the topic and bookings go on.
    if (guestErased) {
      const status = guestErased.status();
      checks.guestErasedConsumer =
        consumerProblem(status, new Date(), config.PAYMENT_CONSUMER_READY_GRACE_MS, 'guest.erased consumer') ??
        (status.running ? 'running' : 'starting');
    }
    return { failed, checks };
  };

  const server: Server = createHttpServer({
    apollo,
    logger,
    maxBodyBytes: MAX_BODY_BYTES,
    readiness,
    draining: () => shuttingDown,
    extraRoutes: {
      '/metrics': async (_request, response) => {
        const body = await metrics.registry.metrics();
        response.writeHead(200, { 'content-type': metrics.registry.contentType });
        response.end(body);
      },
    },
    ...(config.GATEWAY_SHARED_SECRET && {
      admitGraphQL: (request: IncomingMessage) =>
        gatewaySecretMatches(config.GATEWAY_SHARED_SECRET ?? '', request.headers['x-gateway-secret']),
    }),
    context: async (request): Promise<GraphQLContext> => {
      const requestId = String(request.id);
      trace.getActiveSpan()?.setAttribute('app.request_id', requestId);
      let caller: Caller | null;
      try {
        caller = await authenticator.callerOf(request.headers);
      } catch (error) {
        if (!(error instanceof UnauthenticatedError)) throw error;
        throw new GraphQLError(error.message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
      }
      return {
        requestId,
        caller,
        loaders: createLoaders(prisma),
        deps: forOneRequest(deps),
        personalData,
        logger: request.log,
      };
    },
  });
  server.keepAliveTimeout = config.HTTP_KEEP_ALIVE_TIMEOUT_MS;
  await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, resolve));
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
    stop: async () => {
      // 1. Say not ready and ask keep-alive clients to reconnect elsewhere, while still serving,
      //    so a load balancer drains this instance before it stops listening.
      shuttingDown = true;
      maintenance.stop();
      depositSweep.stop();
      retention.stop();
      await new Promise((resolve) => setTimeout(resolve, config.SHUTDOWN_DRAIN_MS));
      // 2. Stop accepting; requests in flight finish; idle keep-alive connections close.
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await apollo.stop();
      // Everything committed so far gets one more chance to leave before the pool closes.
      await relay.stop();
      await consumer?.stop().catch((error: unknown) => logger.warn({ err: error }, 'payment consumer did not stop cleanly'));
      await guestErased
        ?.stop()
        .catch((error: unknown) => logger.warn({ err: error }, 'guest.erased consumer did not stop cleanly'));
      await publisher?.close().catch(() => {});
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

/**
 * The configured token keys; in development without them, an ephemeral key pair and a staff token
 * in the log, so `npm start` can be tried at once (configuration refuses this in production).
 */
async function createAuthenticator(config: Config, logger: Logger): Promise<Authenticator> {
  const options = { issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE };
  if (config.AUTH_JWKS) return new Authenticator({ ...options, jwks: config.AUTH_JWKS as unknown as JSONWebKeySet });
  const keys = await developmentKeys(options.issuer, options.audience, DEVELOPMENT_KEY_FILE);
  const token = await keys.sign({ role: 'staff' }, 'developer');
  logger.warn(
    { authorization: `Bearer ${token}` },
    'AUTH_JWKS is not set: development keys in use; send this header to call the API as staff for 12 hours',
  );
  return new Authenticator({ ...options, jwks: keys.jwks });
}

/** The clients of the services called while booking; none when their URLs are not configured. */
function outboundClients(config: Config, logger: Logger, metrics: Metrics): OutboundClients | null {
  const { GUEST_PROFILES_URL, TRIP_CATALOG_URL, PAYMENTS_URL } = config;
  if (!GUEST_PROFILES_URL || !TRIP_CATALOG_URL || !PAYMENTS_URL) {
    logger.warn('GUEST_PROFILES_URL, TRIP_CATALOG_URL or PAYMENTS_URL is not set: bookings are not checked with other services');
    return null;
  }
  return new OutboundClients({
    guestProfilesUrl: GUEST_PROFILES_URL,
    tripCatalogUrl: TRIP_CATALOG_URL,
    paymentsUrl: PAYMENTS_URL,
    timeoutMs: config.DEPENDENCY_TIMEOUT_MS,
    retry: { retries: config.DEPENDENCY_RETRIES, baseDelayMs: 100, maxDelayMs: 1_000 },
    breaker: { failureThreshold: config.BREAKER_FAILURE_THRESHOLD, coolDownMs: config.BREAKER_COOL_DOWN_MS },
    onBreakerChange: (service, state) => logger.warn({ service, state }, 'circuit breaker changed state'),
    onCall: (service, outcome, seconds) => metrics.observeDependencyCall(service, outcome, seconds),
  });
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
