import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TOPICS } from '../../src/events/contracts.js';
import { createKafka, KafkaEventPublisher } from '../../src/events/kafka.js';
import { defaultRelayOptions, OutboxRelay } from '../../src/events/outbox-relay.js';
import { createLogger } from '../../src/observability/logger.js';
import { CREATE, reservationInput } from '../support/factories.js';
import { readTopics } from '../support/kafka-read.js';
import { type RelayChild, startRelayProcess as startRelay } from '../support/relay-child.js';
import { useService } from '../support/service.js';

/** The service here has no Kafka: its events wait in the outbox for the relay under test. */
const brokers = inject('kafkaBrokers');
const test = useService();

let child: RelayChild | null = null;
afterAll(() => child?.kill());

/** A relay process that has claimed a batch (and hangs as told). */
async function startRelayProcess(hang: 'before-publish' | 'after-publish'): Promise<RelayChild> {
  child = startRelay({ DATABASE_URL: test.db.url, KAFKA_BROKERS: brokers }, hang);
  await child.said(/^(claimed|published) \d+/);
  return child;
}

async function createReservations(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    const result = await test.graphql<{ createReservation: { id: string } }>(CREATE, { input: reservationInput() });
    ids.push(result.data?.createReservation.id ?? '');
  }
  return ids;
}

async function unpublished(ids: string[]): Promise<number> {
  const { rows } = await test.db.pool.query(
    `SELECT count(*)::int AS n FROM reservations.outbox WHERE kind = 'event' AND published_at IS NULL AND aggregate_id = ANY($1::uuid[])`,
    [ids],
  );
  return rows[0].n;
}

/** A healthy relay in this process, until everything is out. */
async function drainWithHealthyRelay(): Promise<void> {
  const logger = createLogger('silent');
  const publisher = new KafkaEventPublisher(createKafka({ brokers: brokers.split(','), clientId: 'relay-after-crash' }, logger));
  const relay = new OutboxRelay(test.service.pool, test.db.url, publisher, null, logger, {
    ...defaultRelayOptions,
    pollIntervalMs: 100,
  });
  relay.start();
  try {
    await expect.poll(() => relay.isLeader(), { timeout: 20_000 }).toBe(true);
    await relay.drainAll();
  } finally {
    await relay.stop();
    await publisher.close();
  }
}

describe('a relay killed mid-batch', () => {
  beforeAll(async () => {
    // The service's own relay must not compete: stop it, the crash tests bring their own.
    await test.service.relay.stop();
  });

  it('loses nothing when killed after the commit and before publishing', async () => {
    const ids = await createReservations(5);
    expect(await unpublished(ids)).toBe(5);

    await (await startRelayProcess('before-publish')).kill();
    expect(await unpublished(ids)).toBe(5);

    await drainWithHealthyRelay();
    expect(await unpublished(ids)).toBe(0);
    const messages = await readTopics(brokers, [TOPICS.reservationStatusChanged], (ms) =>
      ids.every((id) => ms.some((m) => m.key === id)),
    );
    expect(new Set(messages.filter((m) => ids.includes(m.key ?? '')).map((m) => m.key))).toEqual(new Set(ids));
  });

  it('publishes again, never loses, when killed after publishing and before marking', async () => {
    const ids = await createReservations(3);
    await (await startRelayProcess('after-publish')).kill();
    expect(await unpublished(ids)).toBe(3);

    await drainWithHealthyRelay();
    expect(await unpublished(ids)).toBe(0);
    const mine = (
      await readTopics(
        brokers,
        [TOPICS.reservationStatusChanged],
        (ms) => ms.filter((m) => ids.includes(m.key ?? '')).length >= 6,
      )
    ).filter((m) => ids.includes(m.key ?? ''));
    // At least once: each event twice, under the same ce_id, so consumers drop the copy.
    expect(mine).toHaveLength(6);
    expect(new Set(mine.map((m) => m.headers.ce_id)).size).toBe(3);
  });
});
