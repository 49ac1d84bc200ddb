import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EventPublisher, PublishableEvent } from '../../src/events/kafka.js';
import { defaultRelayOptions, OutboxRelay } from '../../src/events/outbox-relay.js';
import { createLogger } from '../../src/observability/logger.js';
import { useService } from '../support/service.js';

/**
 * OUTBOX_GATHER_MS: under load a commit's wake-up lets the relay's next batch gather the commits
 * of a short window (one claim/publish/mark transaction for many bookings); idle, a commit is
 * drained at once. The publisher here records the batches the relay hands it, with their time.
 */

const test = useService();
const logger = createLogger('silent');
let relay: OutboxRelay | null = null;

class RecordingPublisher implements EventPublisher {
  readonly batches: { at: number; ids: string[] }[] = [];
  async publish(events: PublishableEvent[]): Promise<void> {
    this.batches.push({ at: performance.now(), ids: events.map((event) => event.id) });
  }
  isConnected(): boolean {
    return true;
  }
  async close(): Promise<void> {}
}

beforeAll(async () => {
  // This file's own relays only.
  await test.service.relay.stop();
});
afterEach(async () => {
  await relay?.stop();
  relay = null;
});

async function writeEvent(): Promise<string> {
  const { rows } = await test.db.pool.query<{ id: string }>(
    `INSERT INTO reservations.outbox (id, kind, aggregate_type, aggregate_id, type, destination, payload)
     VALUES (gen_random_uuid(), 'event', 'reservation', $1, 'reservation.status_changed', 'relay-gather', '{}'::jsonb)
     RETURNING id`,
    [randomUUID()],
  );
  return rows[0]?.id ?? '';
}

function startRelay(publisher: RecordingPublisher, gatherMs: number): OutboxRelay {
  // No polling to speak of: only commits (NOTIFY) wake it.
  relay = new OutboxRelay(test.service.pool, test.db.url, publisher, null, logger, {
    ...defaultRelayOptions,
    pollIntervalMs: 60_000,
    gatherMs,
  });
  relay.start();
  return relay;
}

const published = (publisher: RecordingPublisher) => publisher.batches.flatMap((batch) => batch.ids);

describe('the relay gathering commits under load', () => {
  it('drains a commit at once when idle, whatever the gather window', async () => {
    const publisher = new RecordingPublisher();
    startRelay(publisher, 5_000);
    await vi.waitFor(() => expect(relay?.isLeader()).toBe(true), { timeout: 5_000 });
    const started = performance.now();
    const id = await writeEvent();
    await vi.waitFor(() => expect(published(publisher)).toContain(id), { timeout: 2_000, interval: 10 });
    // Far inside the 5 s window: an idle relay does not wait for more commits.
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('under load, publishes the commits of the window in one batch, after the window', async () => {
    const publisher = new RecordingPublisher();
    // A backlog first: the first drain delivers it, so the relay knows commits come faster than drains.
    const backlog = await Promise.all(Array.from({ length: 5 }, () => writeEvent()));
    startRelay(publisher, 400);
    await vi.waitFor(() => expect(published(publisher)).toEqual(expect.arrayContaining(backlog)), { timeout: 5_000 });
    const before = publisher.batches.length;

    const first = await writeEvent();
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await writeEvent();
    await vi.waitFor(() => expect(published(publisher)).toEqual(expect.arrayContaining([first, second])), {
      timeout: 5_000,
      interval: 10,
    });
    const after = publisher.batches.slice(before);
    expect(after).toHaveLength(1);
    expect(after[0]?.ids.sort()).toEqual([first, second].sort());
    // Not before the window closed (measured from just after the first commit).
    expect((after[0]?.at ?? 0) - started).toBeGreaterThanOrEqual(300);
  });
});
