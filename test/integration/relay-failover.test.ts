import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createKafka, KafkaEventPublisher } from '../../src/events/kafka.js';
import { defaultRelayOptions, OutboxRelay } from '../../src/events/outbox-relay.js';
import { createLogger } from '../../src/observability/logger.js';
import { type ReadMessage, readTopics } from '../support/kafka-read.js';
import { type RelayChild, startRelayProcess } from '../support/relay-child.js';
import { useService } from '../support/service.js';

/**
 * Issue 12, checked from outside: two relays on one database and one broker, the leader a real
 * process that has claimed a batch. Killed or frozen, it is replaced while it is still dead or
 * frozen; nothing is lost and each reservation's events are first delivered in outbox order.
 */

const brokers = inject('kafkaBrokers');
const test = useService();
const logger = createLogger('silent');
let child: RelayChild | null = null;
let follower: { relay: OutboxRelay; publisher: KafkaEventPublisher } | null = null;

beforeAll(async () => {
  // The service's own relay must not compete: the leader and the follower here are the ones under test.
  await test.service.relay.stop();
});
afterEach(async () => {
  await child?.kill();
  child = null;
  await follower?.relay.stop();
  await follower?.publisher.close();
  follower = null;
});

interface OutboxEvent {
  id: string;
  seq: number;
  key: string;
}

/** `perKey` events for each of `keys` reservations, interleaved, written straight into the outbox. */
async function writeEvents(topic: string, keys: string[], perKey: number): Promise<OutboxEvent[]> {
  const written: OutboxEvent[] = [];
  for (let n = 0; n < perKey; n++) {
    for (const key of keys) {
      const { rows } = await test.db.pool.query<{ id: string; seq: string }>(
        `INSERT INTO reservations.outbox (id, kind, aggregate_type, aggregate_id, type, destination, payload)
         VALUES (gen_random_uuid(), 'event', 'reservation', $1, 'reservation.status_changed', $2, jsonb_build_object('n', $3::int))
         RETURNING id, seq`,
        [key, topic, n],
      );
      const row = rows[0];
      if (row) written.push({ id: row.id, seq: Number(row.seq), key });
    }
  }
  return written;
}

async function unpublished(topic: string): Promise<number> {
  const { rows } = await test.db.pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM reservations.outbox WHERE destination = $1 AND published_at IS NULL',
    [topic],
  );
  return rows[0]?.n ?? -1;
}

function startFollower(): OutboxRelay {
  const publisher = new KafkaEventPublisher(createKafka({ brokers: brokers.split(','), clientId: 'relay-follower' }, logger));
  const relay = new OutboxRelay(test.service.pool, test.db.url, publisher, null, logger, {
    ...defaultRelayOptions,
    pollIntervalMs: 100,
  });
  follower = { relay, publisher };
  relay.start();
  return relay;
}

/** The first delivery of each event, in the order the topic holds them. */
function firstDeliveries(messages: ReadMessage[]): ReadMessage[] {
  const seen = new Set<string>();
  return messages.filter((message) => {
    const id = message.headers.ce_id ?? '';
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** Every event delivered, and per reservation first delivered in outbox (seq) order. */
function expectAllInOrder(messages: ReadMessage[], events: OutboxEvent[]): void {
  const seqOf = new Map(events.map((event) => [event.id, event.seq]));
  const first = firstDeliveries(messages);
  expect(new Set(first.map((message) => message.headers.ce_id))).toEqual(new Set(seqOf.keys()));
  const byKey = new Map<string, number[]>();
  for (const message of first) {
    const key = message.key ?? '';
    byKey.set(key, [...(byKey.get(key) ?? []), seqOf.get(message.headers.ce_id ?? '') ?? -1]);
  }
  for (const seqs of byKey.values()) expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
}

const seen =
  (events: OutboxEvent[], extra = 0) =>
  (messages: ReadMessage[]) =>
    messages.length >= events.length + extra && new Set(messages.map((message) => message.headers.ce_id)).size >= events.length;

describe('relay leadership when the leader dies or freezes', () => {
  it('a follower publishes everything in order once the leader holding a claimed batch is SIGKILLed', async () => {
    const topic = `relay-failover-kill-${randomUUID()}`;
    const keys = Array.from({ length: 5 }, () => randomUUID());
    const before = await writeEvents(topic, keys, 4);
    child = startRelayProcess({ DATABASE_URL: test.db.url, KAFKA_BROKERS: brokers }, 'before-publish');
    await child.said(/^claimed \d+/);
    const relay = startFollower();

    const killedAt = Date.now();
    await child.kill();
    const after = await writeEvents(topic, keys, 4);
    await expect.poll(() => unpublished(topic), { timeout: 20_000, interval: 50 }).toBe(0);
    console.info(`relay failover after SIGKILL: outbox drained ${Date.now() - killedAt} ms after the kill`);
    expect(relay.isLeader()).toBe(true);

    const all = [...before, ...after];
    expectAllInOrder(await readTopics(brokers, [topic], seen(all)), all);
  });

  it('a follower takes over from a frozen leader, which cannot lead again when it thaws', async () => {
    const topic = `relay-failover-freeze-${randomUUID()}`;
    const keys = Array.from({ length: 5 }, () => randomUUID());
    const claimed = await writeEvents(topic, keys, 4);
    const leader = startRelayProcess({ DATABASE_URL: test.db.url, KAFKA_BROKERS: brokers }, 'pause-before-publish');
    child = leader;
    await leader.said(/^claimed \d+/);
    const relay = startFollower();

    // Frozen with the batch claimed, its connections open and its lease current.
    const frozenAt = Date.now();
    leader.process.kill('SIGSTOP');
    const whileFrozen = await writeEvents(topic, keys, 4);
    await expect.poll(() => unpublished(topic), { timeout: 20_000, interval: 50 }).toBe(0);
    console.info(`relay failover after SIGSTOP: outbox drained ${Date.now() - frozenAt} ms after the freeze`);
    expect(leader.process.exitCode).toBeNull();
    expect(relay.isLeader()).toBe(true);

    // Thawed, it publishes the batch it had claimed (a duplicate, allowed) and must stop there.
    leader.process.kill('SIGCONT');
    leader.process.stdin?.write('go\n');
    await leader.said(/^published \d+/);
    const afterThaw = await writeEvents(topic, keys, 2);
    await expect.poll(() => unpublished(topic), { timeout: 20_000, interval: 50 }).toBe(0);
    expect(relay.isLeader()).toBe(true);

    const all = [...claimed, ...whileFrozen, ...afterThaw];
    const messages = await readTopics(brokers, [topic], seen(all, claimed.length));
    expectAllInOrder(messages, all);
    const copies = new Map<string, number>();
    for (const message of messages) copies.set(message.headers.ce_id ?? '', (copies.get(message.headers.ce_id ?? '') ?? 0) + 1);
    // Only the batch it had claimed comes twice; what was written after the take-over, once.
    for (const event of [...whileFrozen, ...afterThaw]) expect(copies.get(event.id)).toBe(1);
    for (const event of claimed) expect(copies.get(event.id)).toBe(2);
  });
});
