import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { TOPICS } from '../../src/events/contracts.js';
import { createLogger } from '../../src/observability/logger.js';
import { type Service, startService } from '../../src/service.js';
import { type KafkaBroker, startKafkaBroker } from '../../tools/kafka/broker.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { CREATE, reservationInput } from '../support/factories.js';
import { readTopics } from '../support/kafka-read.js';
import { authEnv, createTestTokens } from '../support/tokens.js';

/**
 * A broker of its own, so it can be stopped: 1,000 mutations while it is down and restarted
 * midway must all produce their events, in order per reservation, with no gaps.
 */

const RESERVATIONS = 200;
const STEPS = ['confirmReservation', 'modifyReservation', 'checkInReservation', 'completeReservation'] as const;

let broker: KafkaBroker;
let db: TestDatabase;
let service: Service;
let token: string;

async function graphql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(service.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const result = (await response.json()) as { data?: T; errors?: unknown[] };
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data as T;
}

async function step(name: (typeof STEPS)[number], id: string, expectedRev: number): Promise<void> {
  const type = name === 'modifyReservation' ? 'ModifyReservationInput' : 'TransitionInput';
  const input = name === 'modifyReservation' ? { id, expectedRev, notes: `rev ${expectedRev}` } : { id, expectedRev };
  await graphql(`mutation S($input: ${type}!) { ${name}(input: $input) { rev } }`, { input });
}

/** Runs `work` over items with at most `limit` in flight. */
async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await work(item);
      }
    }),
  );
}

beforeAll(async () => {
  broker = await startKafkaBroker();
  const tokens = await createTestTokens();
  db = await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    KAFKA_BROKERS: broker.brokers,
    PAYMENT_CONSUMER_ENABLED: 'false',
    OUTBOX_POLL_INTERVAL_MS: '200',
    OUTBOX_MAX_BACKOFF_MS: '2000',
    DATABASE_POOL_MAX: '20',
    SHUTDOWN_DRAIN_MS: '0',
    ...authEnv(tokens),
  });
  token = await tokens.sign('staff');
  service = await startService({ config, databaseUrl: db.url, logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent') });
}, 180_000);

afterAll(async () => {
  await service?.stop();
  await db?.drop();
  await broker?.stop();
});

describe('the outbox through a broker outage', () => {
  it('delivers every event of 1,000 mutations made while the broker is down and restarted midway, in order, with no gaps', {
    timeout: 300_000,
  }, async () => {
    await broker.stop();

    // First half with the broker down: every reservation is created and confirmed (400 mutations),
    // half of them also modified and checked in (200 more).
    const ids: string[] = [];
    await inParallel(
      Array.from({ length: RESERVATIONS }, (_, index) => index),
      10,
      async () => {
        const created = await graphql<{ createReservation: { id: string } }>(CREATE, { input: reservationInput() });
        ids.push(created.createReservation.id);
        await step('confirmReservation', created.createReservation.id, 1);
      },
    );
    const firstHalf = ids.slice(0, RESERVATIONS / 2);
    await inParallel(firstHalf, 10, async (id) => {
      await step('modifyReservation', id, 2);
      await step('checkInReservation', id, 3);
    });
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM reservations.outbox WHERE kind = 'event' AND published_at IS NULL`,
    );
    expect(rows[0].n).toBe(RESERVATIONS * 3 + firstHalf.length);

    // Midway: the broker comes back while the other 400 mutations are made.
    const restarted = broker.restart();
    const secondHalf = ids.slice(RESERVATIONS / 2);
    await inParallel(ids, 10, async (id) => {
      if (secondHalf.includes(id)) {
        await step('modifyReservation', id, 2);
        await step('checkInReservation', id, 3);
      }
      await step('completeReservation', id, 4);
    });
    await restarted;

    const expectedPerReservation = [
      [null, 'PENDING'],
      ['PENDING', 'CONFIRMED'],
      ['CONFIRMED', 'CHECKED_IN'],
      ['CHECKED_IN', 'COMPLETED'],
    ];
    const mine = new Set(ids);
    const messages = await readTopics(
      broker.brokers,
      [TOPICS.reservationStatusChanged, TOPICS.reservationCreated],
      (all) => new Set(all.filter((m) => mine.has(m.key ?? '')).map((m) => m.headers.ce_id)).size >= RESERVATIONS * 5,
      120_000,
    );

    const seen = new Set<string>();
    const chains = new Map<string, { from: string | null; to: string; rev: number }[]>();
    let created = 0;
    for (const message of messages) {
      const id = message.key ?? '';
      if (!mine.has(id) || seen.has(message.headers.ce_id ?? '')) continue; // at-least-once: skip redeliveries
      seen.add(message.headers.ce_id ?? '');
      if (message.topic === TOPICS.reservationCreated) {
        created++;
        continue;
      }
      const event = message.value as { from: string | null; to: string; rev: number };
      chains.set(id, [...(chains.get(id) ?? []), event]);
    }
    expect(created).toBe(RESERVATIONS);
    expect(chains.size).toBe(RESERVATIONS);
    for (const [id, chain] of chains) {
      expect(
        chain.map((event) => [event.from, event.to]),
        id,
      ).toEqual(expectedPerReservation);
      expect(
        chain.map((event) => event.rev),
        id,
      ).toEqual([1, 2, 4, 5]);
    }
    const left = await db.pool.query(
      `SELECT count(*)::int AS n FROM reservations.outbox WHERE kind = 'event' AND published_at IS NULL`,
    );
    expect(left.rows[0].n).toBe(0);
  });
});
