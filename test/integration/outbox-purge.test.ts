import { describe, expect, it } from 'vitest';
import type { EventPublisher, PublishableEvent } from '../../src/events/kafka.js';
import { defaultRelayOptions, OutboxRelay } from '../../src/events/outbox-relay.js';
import { createLogger } from '../../src/observability/logger.js';
import { CREATE, reservationInput } from '../support/factories.js';
import { useService } from '../support/service.js';

const test = useService();

describe('outbox retention', () => {
  it('purges published rows past the retention period and keeps unpublished ones', async () => {
    await test.service.relay.stop();
    const created = await test.graphql<{ createReservation: { id: string } }>(CREATE, { input: reservationInput() });
    const id = created.data?.createReservation.id;
    // An undelivered notification must survive the purge.
    await test.db.pool.query(
      `INSERT INTO reservations.outbox (id, kind, aggregate_type, aggregate_id, type, destination, payload)
       VALUES (gen_random_uuid(), 'notification', 'reservation', $1, 'notification.status_update', 'status_update', '{}')`,
      [id],
    );

    const published: PublishableEvent[] = [];
    const publisher: EventPublisher = {
      publish: async (events) => {
        published.push(...events);
      },
      isConnected: () => true,
      close: async () => {},
    };
    const relay = new OutboxRelay(test.service.pool, test.db.url, publisher, null, createLogger('silent'), {
      ...defaultRelayOptions,
      pollIntervalMs: 100,
      retentionMs: 0,
      purgeIntervalMs: 0,
    });
    relay.start();
    try {
      await expect
        .poll(async () => (await test.db.pool.query(`SELECT kind FROM reservations.outbox WHERE aggregate_id = $1`, [id])).rows, {
          timeout: 10_000,
        })
        .toEqual([{ kind: 'notification' }]);
      expect(published.map((event) => event.key)).toEqual([id]);
    } finally {
      await relay.stop();
    }
  });
});
