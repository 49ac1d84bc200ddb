import { z } from 'zod';

/**
 * Every setting comes from the environment and is validated once at start; `.env.example` lists
 * them with their defaults. One schema reads the flat variable names (deployments, .env.example
 * and the README use them) and hands the service its settings grouped by concern. A problem is
 * reported as one line per variable, named as in the environment.
 */

/**
 * A flag. zod's stringbool, case-insensitive: true/1/yes/on/y/enabled and
 * false/0/no/off/n/disabled (a superset of what was accepted before).
 */
const flag = z.stringbool();

const postgresUrl = z.string().refine((value) => /^postgres(ql)?:\/\//.test(value), 'must be a postgres:// or postgresql:// URL');

/** A JSON Web Key Set given as JSON text (AUTH_JWKS). */
const jsonWebKeySet = z.string().transform((value, context) => {
  try {
    const parsed = JSON.parse(value) as { keys?: unknown };
    if (Array.isArray(parsed.keys) && parsed.keys.length > 0) return parsed as { keys: Record<string, unknown>[] };
  } catch {
    // reported below
  }
  context.addIssue({ code: 'custom', message: 'must be a JSON Web Key Set: {"keys":[…]}' });
  return z.NEVER;
});

/** Empty strings mean "not set", as they do in most deployment tools. */
export function presentEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
}

/** Variables the service and the local gateway share (same names, same rules). */
export const sharedVariables = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  AUTH_JWKS: jsonWebKeySet.optional(),
  AUTH_ISSUER: z.string().min(1).default('https://auth.novatrek.example'),
  AUTH_AUDIENCE: z.string().min(1).default('svc-reservations'),
  GATEWAY_SHARED_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
};

type SharedEnv = z.infer<z.ZodObject<typeof sharedVariables>>;

/** How callers are authenticated, for the service and the gateway alike. */
export function authSettings(env: SharedEnv) {
  return { jwks: env.AUTH_JWKS, issuer: env.AUTH_ISSUER, audience: env.AUTH_AUDIENCE, gatewaySecret: env.GATEWAY_SHARED_SECRET };
}

/**
 * Production refuses to start open: each of `names` must be set. Checked even when other variables
 * are wrong, so one start reports everything to fix (except after a flag it cannot read: zod's
 * stringbool ends the parse there).
 */
export function requiredInProduction<Env extends { NODE_ENV: string }>(
  schema: z.ZodType<Env>,
  names: readonly (keyof Env & string)[],
) {
  return schema.superRefine(
    (env, context) => {
      if (env.NODE_ENV !== 'production') return;
      for (const name of names) {
        if (!env[name]) context.addIssue({ code: 'custom', path: [name], message: 'is required in production' });
      }
    },
    { when: () => true },
  );
}

/**
 * One line per variable, `VARIABLE: what is wrong`: the first problem found with it (a wrong
 * AUTH_JWKS is not also reported missing).
 */
export function configProblems(error: z.ZodError): ConfigError {
  const reported = new Set<string>();
  const lines: string[] = [];
  for (const issue of error.issues) {
    const variable = issue.path.join('.');
    if (!reported.has(variable)) lines.push(`${variable}: ${issue.message}`);
    reported.add(variable);
  }
  return new ConfigError(lines);
}

const variables = z.object({
  ...sharedVariables,
  PORT: z.coerce.number().int().min(0).max(65535).default(4001),
  HOST: z.string().min(1).default('0.0.0.0'),

  DATABASE_URL: postgresUrl.optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  EMBEDDED_POSTGRES_DIR: z.string().min(1).default('.data/postgres'),
  EMBEDDED_POSTGRES_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  MIGRATE_ON_START: flag.default(true),
  /** Idle keep-alive connections close after this; clients are told (`Keep-Alive: timeout=`). */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(120_000).default(5_000),
  /**
   * On SIGTERM: how long to keep serving (not ready, `Connection: close`) before closing. At least
   * the keep-alive timeout, so idle connections end on the client's side first and no request
   * races a connection being closed.
   */
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(120_000).default(6_000),

  PARTITION_MONTHS_AHEAD: z.coerce.number().int().min(1).max(36).default(3),
  PARTITION_MAINTENANCE_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(60_000)
    .default(6 * 60 * 60 * 1000),

  /** Personal data of a reservation is erased this many months after its trip date (README, Personal data). */
  PERSONAL_DATA_RETENTION_MONTHS: z.coerce.number().int().min(1).max(1_200).default(36),
  PERSONAL_DATA_RETENTION_BATCH_SIZE: z.coerce.number().int().min(1).max(5_000).default(100),
  GUEST_ERASED_CONSUMER_ENABLED: flag.default(true),

  KAFKA_BROKERS: z
    .string()
    .regex(/^[^\s,]+:\d+(,[^\s,]+:\d+)*$/, 'must be host:port[,host:port...]')
    .optional(),
  KAFKA_CLIENT_ID: z.string().min(1).default('svc-reservations'),
  KAFKA_CONSUMER_GROUP: z.string().min(1).default('svc-reservations'),
  PAYMENT_CONSUMER_ENABLED: flag.default(true),
  /** `/health/ready` fails once the payment consumer has been stopped or stuck this long. */
  PAYMENT_CONSUMER_READY_GRACE_MS: z.coerce.number().int().min(1_000).default(60_000),

  READINESS_REQUIRES_KAFKA: flag.default(false),
  OUTBOX_POLL_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(5_000).default(200),
  /** Under load, how long a commit's wake-up lets the relay's next batch gather (0: drain at once). */
  OUTBOX_GATHER_MS: z.coerce.number().int().min(0).max(1_000).default(10),
  OUTBOX_RETENTION_HOURS: z.coerce.number().int().min(1).default(168),
  /** The outbox relay on a worker thread of its own, off the requests' event loop (README, Operations). */
  OUTBOX_RELAY_THREAD: z.stringbool().default(true),
  OUTBOX_RELAY_LEASE_MS: z.coerce.number().int().min(300).max(60_000).default(3_000),
  NOTIFICATIONS_URL: z.url().optional(),
  GUEST_PROFILES_URL: z.url().optional(),
  TRIP_CATALOG_URL: z.url().optional(),
  PAYMENTS_URL: z.url().optional(),
  DEPENDENCY_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(2_000),
  DEPENDENCY_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
  BREAKER_FAILURE_THRESHOLD: z.coerce.number().int().min(1).max(1_000).default(5),
  BREAKER_COOL_DOWN_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  DEPOSIT_HOLD_MINUTES: z.coerce.number().int().min(5).max(20_160).default(1_440),
  DEPOSIT_RETRY_AFTER_MS: z.coerce.number().int().min(1_000).default(60_000),
  DEPOSIT_SWEEP_INTERVAL_MS: z.coerce.number().int().min(1_000).default(60_000),
  // Read by OpenTelemetry (src/observability/tracing.ts) before this runs; validated here too.
  OTEL_TRACES_EXPORTER: z.enum(['none', 'otlp', 'console']).default('none'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(['http/protobuf', 'http/json']).optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('svc-reservations'),
  NOTIFICATION_RETRY_BASE_MS: z.coerce.number().int().min(10).default(5_000),
  OUTBOX_MAX_BACKOFF_MS: z.coerce.number().int().min(100).default(30_000),
});

type Env = z.infer<typeof variables>;

/** The variables grouped by concern; the only place that knows the flat names. */
function grouped(env: Env) {
  return {
    environment: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    http: {
      port: env.PORT,
      host: env.HOST,
      keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      shutdownDrainMs: env.SHUTDOWN_DRAIN_MS,
    },
    auth: authSettings(env),
    database: {
      /** Unset: the embedded PostgreSQL below (`npm start`). */
      url: env.DATABASE_URL,
      poolMax: env.DATABASE_POOL_MAX,
      embedded: { dir: env.EMBEDDED_POSTGRES_DIR, port: env.EMBEDDED_POSTGRES_PORT },
      migrateOnStart: env.MIGRATE_ON_START,
      partitions: { monthsAhead: env.PARTITION_MONTHS_AHEAD, maintenanceIntervalMs: env.PARTITION_MAINTENANCE_INTERVAL_MS },
    },
    personalData: { retentionMonths: env.PERSONAL_DATA_RETENTION_MONTHS, batchSize: env.PERSONAL_DATA_RETENTION_BATCH_SIZE },
    kafka: {
      /** Empty: no Kafka; events wait in the outbox. */
      brokers: env.KAFKA_BROKERS?.split(',') ?? [],
      clientId: env.KAFKA_CLIENT_ID,
      consumerGroup: env.KAFKA_CONSUMER_GROUP,
      readinessRequired: env.READINESS_REQUIRES_KAFKA,
      paymentConsumer: { enabled: env.PAYMENT_CONSUMER_ENABLED, readyGraceMs: env.PAYMENT_CONSUMER_READY_GRACE_MS },
      guestErasedConsumer: { enabled: env.GUEST_ERASED_CONSUMER_ENABLED },
    },
    outbox: {
      pollIntervalMs: env.OUTBOX_POLL_INTERVAL_MS,
      batchSize: env.OUTBOX_BATCH_SIZE,
      gatherMs: env.OUTBOX_GATHER_MS,
      maxBackoffMs: env.OUTBOX_MAX_BACKOFF_MS,
      retentionHours: env.OUTBOX_RETENTION_HOURS,
      relayLeaseMs: env.OUTBOX_RELAY_LEASE_MS,
      /** The relay on a worker thread of its own (off the request event loop). */
      relayThread: env.OUTBOX_RELAY_THREAD,
      notifications: { url: env.NOTIFICATIONS_URL, retryBaseMs: env.NOTIFICATION_RETRY_BASE_MS },
    },
    dependencies: {
      urls: { guestProfiles: env.GUEST_PROFILES_URL, tripCatalog: env.TRIP_CATALOG_URL, payments: env.PAYMENTS_URL },
      timeoutMs: env.DEPENDENCY_TIMEOUT_MS,
      retries: env.DEPENDENCY_RETRIES,
      breaker: { failureThreshold: env.BREAKER_FAILURE_THRESHOLD, coolDownMs: env.BREAKER_COOL_DOWN_MS },
    },
    deposits: {
      holdMinutes: env.DEPOSIT_HOLD_MINUTES,
      retryAfterMs: env.DEPOSIT_RETRY_AFTER_MS,
      sweepIntervalMs: env.DEPOSIT_SWEEP_INTERVAL_MS,
    },
    telemetry: {
      tracesExporter: env.OTEL_TRACES_EXPORTER,
      otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
      otlpProtocol: env.OTEL_EXPORTER_OTLP_PROTOCOL,
      serviceName: env.OTEL_SERVICE_NAME,
    },
  };
}

// Rules run on the flat variables, so a problem names the variable to fix.
const schema = requiredInProduction(variables, [
  'AUTH_JWKS',
  'GATEWAY_SHARED_SECRET',
  'GUEST_PROFILES_URL',
  'TRIP_CATALOG_URL',
  'PAYMENTS_URL',
  'NOTIFICATIONS_URL',
]).transform(grouped);

export type Config = z.output<typeof schema>;

/** Every variable the service reads (documented in .env.example and the README). */
export const CONFIG_VARIABLES = Object.keys(variables.shape);

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((line) => `  ${line}`).join('\n')}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = schema.safeParse(presentEnv(env));
  if (!result.success) {
    throw configProblems(result.error);
  }
  return result.data;
}
