import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { TOPICS } from '../../src/events/contracts.js';
import { createLogger } from '../../src/observability/logger.js';
import { type Service, startService } from '../../src/service.js';
import { CREATE, reservationInput } from '../support/factories.js';
import { readTopics } from '../support/kafka-read.js';
import { type ScratchPostgres, startScratchPostgres } from '../support/postgres.js';
import { authEnv, createTestTokens } from '../support/tokens.js';

/**
 * The database goes away and comes back under a running service: requests fail cleanly while it
 * is gone, the process survives, readiness says so, and afterwards everything works again without
 * a restart — what was committed before is there and its events still leave.
 */
const brokers = inject('kafkaBrokers');
let postgres: ScratchPostgres;
let service: Service;
let token: string;

async function create() {
  const response = await fetch(service.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: CREATE, variables: { input: reservationInput() } }),
  });
  return (await response.json()) as {
    data?: { createReservation: { id: string } } | null;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
}

const ready = async () => (await fetch(service.url.replace(/\/graphql$/, '/health/ready'))).status;

beforeAll(async () => {
  postgres = await startScratchPostgres();
  const tokens = await createTestTokens();
  token = await tokens.sign('staff');
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    KAFKA_BROKERS: brokers,
    PAYMENT_CONSUMER_ENABLED: 'false',
    OUTBOX_POLL_INTERVAL_MS: '200',
    OUTBOX_MAX_BACKOFF_MS: '1000',
    SHUTDOWN_DRAIN_MS: '0',
    ...authEnv(tokens),
  });
  service = await startService({
    config,
    databaseUrl: postgres.url,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
  });
}, 180_000);

afterAll(async () => {
  await service?.stop().catch(() => {});
  await postgres?.destroy();
});

describe('a database outage', () => {
  it('fails requests cleanly while the database is down and recovers by itself when it is back', {
    timeout: 120_000,
  }, async () => {
    const before = await create();
    expect(before.errors).toBeUndefined();

    await postgres.stop();
    const during = await create();
    expect(during.data ?? null).toBeNull();
    expect(during.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(JSON.stringify(during)).not.toMatch(/ECONNREFUSED|stack|prisma|127\.0\.0\.1/i);
    expect(await ready()).toBe(503);

    await postgres.start();
    await expect.poll(ready, { timeout: 30_000 }).toBe(200);
    const after = await create();
    expect(after.errors).toBeUndefined();

    const ids = [before.data?.createReservation.id, after.data?.createReservation.id];
    const events = await readTopics(brokers, [TOPICS.reservationStatusChanged], (ms) =>
      ids.every((id) => ms.some((m) => m.key === id)),
    );
    expect(ids.every((id) => events.some((m) => m.key === id))).toBe(true);
  });
});
