import type { Worker } from 'node:worker_threads';
import { describe, expect, inject, it } from 'vitest';
import { TOPICS } from '../../src/events/contracts.js';
import { CREATE, reservationInput } from '../support/factories.js';
import { readTopics, unpublishedEvents } from '../support/kafka-read.js';
import { useService } from '../support/service.js';

/**
 * OUTBOX_RELAY_THREAD: the relay runs on a worker thread with its own pool and producer, still
 * leader-elected by the lease; events leave as they do from the inline relay, and shutdown stops
 * it after a last drain.
 */
const brokers = inject('kafkaBrokers');
const test = useService({
  KAFKA_BROKERS: brokers,
  OUTBOX_POLL_INTERVAL_MS: '200',
  PAYMENT_CONSUMER_ENABLED: 'false',
  GUEST_ERASED_CONSUMER_ENABLED: 'false',
  OUTBOX_RELAY_THREAD: 'true',
});

describe('the outbox relay on its own thread', () => {
  it('is started again when its thread dies, and what was committed meanwhile still leaves', async () => {
    await expect.poll(() => test.service.relay.isLeader(), { timeout: 20_000 }).toBe(true);
    const thread = (test.service.relay as unknown as { worker: Worker | null }).worker;
    expect(thread).not.toBeNull();
    await thread?.terminate(); // as a crash of the thread would end it: no last drain, no lease handed back
    expect(test.service.relay.isLeader()).toBe(false);
    const created = await test.graphql<{ createReservation: { id: string } }>(CREATE, { input: reservationInput() });
    const id = created.data?.createReservation.id ?? '';
    await expect.poll(() => test.service.relay.isLeader(), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => unpublishedEvents(test.db.pool, id), { timeout: 20_000 }).toBe(0);
  });

  it('leads, publishes a booking’s event, drains on demand and stops leading when stopped', async () => {
    await expect.poll(() => test.service.relay.isLeader(), { timeout: 20_000 }).toBe(true);
    const created = await test.graphql<{ createReservation: { id: string } }>(CREATE, { input: reservationInput() });
    const id = created.data?.createReservation.id ?? '';
    const events = await readTopics(brokers, [TOPICS.reservationStatusChanged], (messages) =>
      messages.some((message) => message.key === id),
    );
    expect(events.filter((message) => message.key === id).map((message) => (message.value as { to: string }).to)).toEqual([
      'PENDING',
    ]);
    await expect.poll(() => unpublishedEvents(test.db.pool, id)).toBe(0);
    expect(await test.service.relay.drainAll()).toBe(0);

    await test.service.relay.stop();
    expect(test.service.relay.isLeader()).toBe(false);
    const { rows } = await test.db.pool.query(
      `SELECT count(*)::int AS n FROM reservations.outbox_relay_lease WHERE holder IS NOT NULL`,
    );
    expect(rows[0].n).toBe(0);
  });
});
