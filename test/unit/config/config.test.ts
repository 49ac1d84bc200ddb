import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { GATEWAY_CONFIG_VARIABLES, loadGatewayConfig } from '../../../gateway/config.js';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../../../src/config.js';

const root = new URL('../../../', import.meta.url);

/** The problem lines of a configuration that must be refused. */
function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('the configuration was accepted');
}

const variablesOf = (problems: string[]) => problems.map((line) => line.split(':')[0]).sort();

const jwks = JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] });
const productionEnv = {
  NODE_ENV: 'production',
  AUTH_JWKS: jwks,
  GATEWAY_SHARED_SECRET: 's'.repeat(32),
  GUEST_PROFILES_URL: 'http://guests.internal/',
  TRIP_CATALOG_URL: 'http://trips.internal/',
  PAYMENTS_URL: 'http://payments.internal/',
  NOTIFICATIONS_URL: 'http://notifications.internal/',
};

describe('configuration', () => {
  it('has defaults for everything, so an empty environment starts the embedded default', () => {
    const config = loadConfig({});
    expect(config.http.port).toBe(4001);
    expect(config.database.url).toBeUndefined();
    expect(config.database.embedded).toEqual({ dir: '.data/postgres', port: 54329 });
    expect(config.kafka.brokers).toEqual([]);
    expect(config.database.migrateOnStart).toBe(true);
    expect(config.kafka.readinessRequired).toBe(false);
  });

  it('groups the flat variables by concern', () => {
    const config = loadConfig({
      PORT: '8080',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '7000',
      DATABASE_URL: 'postgres://db/reservations',
      DATABASE_POOL_MAX: '20',
      PARTITION_MONTHS_AHEAD: '6',
      KAFKA_BROKERS: 'kafka-1:9092,kafka-2:9092',
      KAFKA_CONSUMER_GROUP: 'reservations-eu',
      PAYMENT_CONSUMER_READY_GRACE_MS: '5000',
      OUTBOX_BATCH_SIZE: '50',
      NOTIFICATIONS_URL: 'http://notifications.internal/',
      NOTIFICATION_RETRY_BASE_MS: '250',
      PAYMENTS_URL: 'http://payments.internal/',
      BREAKER_FAILURE_THRESHOLD: '9',
      DEPOSIT_HOLD_MINUTES: '60',
      PERSONAL_DATA_RETENTION_MONTHS: '12',
      OTEL_SERVICE_NAME: 'reservations-eu',
    });
    expect(config.http).toMatchObject({ port: 8080, keepAliveTimeoutMs: 7000, shutdownDrainMs: 6000 });
    expect(config.database).toMatchObject({ url: 'postgres://db/reservations', poolMax: 20, partitions: { monthsAhead: 6 } });
    expect(config.kafka).toMatchObject({
      brokers: ['kafka-1:9092', 'kafka-2:9092'],
      consumerGroup: 'reservations-eu',
      paymentConsumer: { enabled: true, readyGraceMs: 5000 },
    });
    expect(config.outbox).toMatchObject({
      batchSize: 50,
      notifications: { url: 'http://notifications.internal/', retryBaseMs: 250 },
    });
    expect(config.dependencies).toMatchObject({
      urls: { payments: 'http://payments.internal/', guestProfiles: undefined },
      breaker: { failureThreshold: 9, coolDownMs: 10_000 },
    });
    expect(config.deposits.holdMinutes).toBe(60);
    expect(config.personalData).toEqual({ retentionMonths: 12, batchSize: 100 });
    expect(config.telemetry.serviceName).toBe('reservations-eu');
  });

  it('reports every problem, one line per variable', () => {
    const problems = problemsOf(() =>
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', KAFKA_BROKERS: 'no port', LOG_LEVEL: 'loud' }),
    );
    expect(variablesOf(problems)).toEqual(['DATABASE_URL', 'KAFKA_BROKERS', 'LOG_LEVEL', 'PORT']);
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).http.port).toBe(4001);
  });

  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['on', true],
    ['enabled', true],
    ['TRUE', true],
    ['false', false],
    ['0', false],
    ['no', false],
    ['off', false],
    ['Disabled', false],
  ])('reads the flag value %s as %s', (value, expected) => {
    const config = loadConfig({
      MIGRATE_ON_START: value,
      READINESS_REQUIRES_KAFKA: value,
      PAYMENT_CONSUMER_ENABLED: value,
      GUEST_ERASED_CONSUMER_ENABLED: value,
    });
    expect(config.database.migrateOnStart).toBe(expected);
    expect(config.kafka.readinessRequired).toBe(expected);
    expect(config.kafka.paymentConsumer.enabled).toBe(expected);
    expect(config.kafka.guestErasedConsumer.enabled).toBe(expected);
  });

  it('refuses a flag it cannot read, naming the variable', () => {
    const problems = problemsOf(() => loadConfig({ MIGRATE_ON_START: 'sometimes', PAYMENT_CONSUMER_ENABLED: '2' }));
    expect(variablesOf(problems)).toEqual(['MIGRATE_ON_START', 'PAYMENT_CONSUMER_ENABLED']);
  });

  it('starts in production only with keys, gateway secret and the URLs of the services it calls', () => {
    expect(loadConfig(productionEnv).environment).toBe('production');
    expect(variablesOf(problemsOf(() => loadConfig({ NODE_ENV: 'production' })))).toEqual([
      'AUTH_JWKS',
      'GATEWAY_SHARED_SECRET',
      'GUEST_PROFILES_URL',
      'NOTIFICATIONS_URL',
      'PAYMENTS_URL',
      'TRIP_CATALOG_URL',
    ]);
    expect(problemsOf(() => loadConfig({ ...productionEnv, PAYMENTS_URL: '' }))).toEqual([
      'PAYMENTS_URL: is required in production',
    ]);
  });

  it('reports what production lacks together with the wrong variables, each variable once', () => {
    expect(variablesOf(problemsOf(() => loadConfig({ ...productionEnv, PORT: 'eighty', PAYMENTS_URL: '' })))).toEqual([
      'PAYMENTS_URL',
      'PORT',
    ]);
    expect(problemsOf(() => loadConfig({ ...productionEnv, AUTH_JWKS: 'not json' }))).toEqual([
      'AUTH_JWKS: must be a JSON Web Key Set: {"keys":[…]}',
    ]);
  });

  it('gives the gateway the same grouping and the same production rules', () => {
    const gateway = loadGatewayConfig({
      GATEWAY_PORT: '4100',
      AUTH_AUDIENCE: 'partners',
      TRIP_CATALOG_SUBGRAPH_URL: 'http://trips/',
    });
    expect(gateway.http).toEqual({ port: 4100, host: '0.0.0.0' });
    expect(gateway.auth).toMatchObject({ audience: 'partners', jwks: undefined, gatewaySecret: undefined });
    expect(gateway.subgraphUrls['trip-catalog']).toBe('http://trips/');
    expect(variablesOf(problemsOf(() => loadGatewayConfig({ NODE_ENV: 'production', GATEWAY_PORT: 'x' })))).toEqual([
      'AUTH_JWKS',
      'GATEWAY_PORT',
      'GATEWAY_SHARED_SECRET',
    ]);
    expect(variablesOf(problemsOf(() => loadGatewayConfig({ NODE_ENV: 'production' })))).toEqual([
      'AUTH_JWKS',
      'GATEWAY_SHARED_SECRET',
    ]);
    expect(
      loadGatewayConfig({ NODE_ENV: 'production', AUTH_JWKS: jwks, GATEWAY_SHARED_SECRET: 's'.repeat(32) }).auth.jwks,
    ).toEqual(JSON.parse(jwks));
  });

  it('makes `npm start` exit with code 2 and one line per wrong variable', async () => {
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: new URL('.', root).pathname,
      env: { ...process.env, NODE_ENV: 'production', PORT: 'eighty', AUTH_JWKS: '' },
    });
    const failure = await run.then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toContain('invalid configuration:');
    expect(failure?.stderr).toMatch(/^ {2}PORT: /m);
    expect(failure?.stderr).toMatch(/^ {2}AUTH_JWKS: is required in production$/m);
  }, 60_000); // a process of its own, compiling TypeScript on a shared machine

  it('is documented in full in .env.example and the README', () => {
    const example = readFileSync(new URL('.env.example', root), 'utf8');
    const readme = readFileSync(new URL('README.md', root), 'utf8');
    const documented = [...example.matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]);
    const variables = [...new Set([...CONFIG_VARIABLES, ...GATEWAY_CONFIG_VARIABLES])];
    expect(documented.sort()).toEqual(variables.sort());
    for (const variable of variables) expect(readme, variable).toContain(`\`${variable}\``);
  });
});
