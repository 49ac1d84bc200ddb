import { z } from 'zod';

/**
 * Every setting comes from the environment and is validated once at start; `.env.example` lists
 * them with their defaults. A problem is reported as one line per variable.
 */

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const postgresUrl = z.string().refine((value) => /^postgres(ql)?:\/\//.test(value), 'must be a postgres:// or postgresql:// URL');

/** A JSON Web Key Set given as JSON text (AUTH_JWKS). */
export const jsonWebKeySet = z.string().transform((value, context) => {
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

/** Settings the service and the local gateway share (same names, same rules). */
export const sharedSettings = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  AUTH_JWKS: jsonWebKeySet.optional(),
  AUTH_ISSUER: z.string().min(1).default('https://auth.novatrek.example'),
  AUTH_AUDIENCE: z.string().min(1).default('svc-reservations'),
  GATEWAY_SHARED_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
};

/** One line per problem, `VARIABLE: what is wrong`. */
export function configProblems(error: z.ZodError): ConfigError {
  return new ConfigError(error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
}

const schema = z.object({
  ...sharedSettings,
  PORT: z.coerce.number().int().min(0).max(65535).default(4001),
  HOST: z.string().min(1).default('0.0.0.0'),

  DATABASE_URL: postgresUrl.optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  EMBEDDED_POSTGRES_DIR: z.string().min(1).default('.data/postgres'),
  EMBEDDED_POSTGRES_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  MIGRATE_ON_START: booleanFlag.default(true),
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
  GUEST_ERASED_CONSUMER_ENABLED: booleanFlag.default(true),

  KAFKA_BROKERS: z
    .string()
    .regex(/^[^\s,]+:\d+(,[^\s,]+:\d+)*$/, 'must be host:port[,host:port...]')
    .optional(),
  KAFKA_CLIENT_ID: z.string().min(1).default('svc-reservations'),
  KAFKA_CONSUMER_GROUP: z.string().min(1).default('svc-reservations'),
  PAYMENT_CONSUMER_ENABLED: booleanFlag.default(true),
  /** `/health/ready` fails once the payment consumer has been stopped or stuck this long. */
  PAYMENT_CONSUMER_READY_GRACE_MS: z.coerce.number().int().min(1_000).default(60_000),

  READINESS_REQUIRES_KAFKA: booleanFlag.default(false),
  OUTBOX_POLL_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(5_000).default(200),
  OUTBOX_RETENTION_HOURS: z.coerce.number().int().min(1).default(168),
  /** The outbox relay on a worker thread of its own, off the requests' event loop (README, Operations). */
  OUTBOX_RELAY_THREAD: booleanFlag.default(false),
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

/** Production refuses to start open: it needs the token keys and the gateway secret. */
const productionRules = schema.superRefine((config, context) => {
  if (config.NODE_ENV !== 'production') return;
  if (!config.AUTH_JWKS) context.addIssue({ code: 'custom', path: ['AUTH_JWKS'], message: 'is required in production' });
  if (!config.GATEWAY_SHARED_SECRET)
    context.addIssue({ code: 'custom', path: ['GATEWAY_SHARED_SECRET'], message: 'is required in production' });
  for (const name of ['GUEST_PROFILES_URL', 'TRIP_CATALOG_URL', 'PAYMENTS_URL', 'NOTIFICATIONS_URL'] as const) {
    if (!config[name]) context.addIssue({ code: 'custom', path: [name], message: 'is required in production' });
  }
});

export type Config = z.infer<typeof schema>;

/** Every variable the service reads (documented in .env.example and the README). */
export const CONFIG_VARIABLES = Object.keys(schema.shape);

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((line) => `  ${line}`).join('\n')}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = productionRules.safeParse(presentEnv(env));
  if (!result.success) {
    throw configProblems(result.error);
  }
  return result.data;
}
