/**
 * A relay in a process of its own, for crash tests: `tsx test/support/relay-process.ts` with
 * DATABASE_URL and KAFKA_BROKERS. RELAY_HANG=before-publish claims a batch, says `claimed`, and
 * hangs before publishing; RELAY_HANG=after-publish publishes, says `published`, and hangs before
 * marking the rows. The test then SIGKILLs it. RELAY_HANG=pause-before-publish claims a batch,
 * says `claimed`, and waits for a line on stdin (the test freezes and thaws it meanwhile), then
 * publishes that batch, says `published`, and goes on as an ordinary relay.
 */
import { createInterface } from 'node:readline';
import { createPool } from '../../src/db/pool.js';
import { createKafka, type EventPublisher, KafkaEventPublisher, type PublishableEvent } from '../../src/events/kafka.js';
import { defaultRelayOptions, OutboxRelay } from '../../src/events/outbox-relay.js';
import { createLogger } from '../../src/observability/logger.js';
// A process of its own, which vitest's setup files do not reach: Node's warnings as the service has them.
import './process-warnings.js';

const logger = createLogger('silent');
const hang = process.env.RELAY_HANG;
const kafka = createKafka({ brokers: (process.env.KAFKA_BROKERS ?? '').split(','), clientId: 'relay-crash-test' }, logger);
const real = new KafkaEventPublisher(kafka);
const forever = () => new Promise<never>(() => {});
const stdinLine = () => new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));
let paused = false;

const publisher: EventPublisher = {
  isConnected: () => real.isConnected(),
  close: () => real.close(),
  async publish(events: PublishableEvent[]) {
    if (hang === 'before-publish') {
      process.stdout.write(`claimed ${events.length}\n`);
      await forever();
    }
    const pause = hang === 'pause-before-publish' && !paused && events.length > 0;
    if (pause) {
      paused = true;
      process.stdout.write(`claimed ${events.length}\n`);
      await stdinLine();
    }
    await real.publish(events);
    if (pause) process.stdout.write(`published ${events.length}\n`);
    if (hang === 'after-publish') {
      process.stdout.write(`published ${events.length}\n`);
      await forever();
    }
  },
};

const url = process.env.DATABASE_URL ?? '';
// The service's pool: its error listeners keep a connection terminated by a take-over from crashing us.
const pool = createPool(url, 2, logger);
new OutboxRelay(pool, url, publisher, null, logger, { ...defaultRelayOptions, pollIntervalMs: 100 }).start();
