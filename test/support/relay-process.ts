/**
 * A relay in a process of its own, for crash tests: `tsx test/support/relay-process.ts` with
 * DATABASE_URL and KAFKA_BROKERS. RELAY_HANG=before-publish claims a batch, says `claimed`, and
 * hangs before publishing; RELAY_HANG=after-publish publishes, says `published`, and hangs before
 * marking the rows. The test then SIGKILLs it.
 */
import pg from 'pg';
import { createKafka, type EventPublisher, KafkaEventPublisher, type PublishableEvent } from '../../src/events/kafka.js';
import { defaultRelayOptions, OutboxRelay } from '../../src/events/outbox-relay.js';
import { createLogger } from '../../src/observability/logger.js';

const logger = createLogger('silent');
const hang = process.env.RELAY_HANG;
const kafka = createKafka({ brokers: (process.env.KAFKA_BROKERS ?? '').split(','), clientId: 'relay-crash-test' }, logger);
const real = new KafkaEventPublisher(kafka);
const forever = () => new Promise<never>(() => {});

const publisher: EventPublisher = {
  isConnected: () => real.isConnected(),
  close: () => real.close(),
  async publish(events: PublishableEvent[]) {
    if (hang === 'before-publish') {
      process.stdout.write(`claimed ${events.length}\n`);
      await forever();
    }
    await real.publish(events);
    if (hang === 'after-publish') {
      process.stdout.write(`published ${events.length}\n`);
      await forever();
    }
  },
};

const url = process.env.DATABASE_URL ?? '';
const pool = new pg.Pool({ connectionString: url, max: 2 });
new OutboxRelay(pool, url, publisher, null, logger, { ...defaultRelayOptions, pollIntervalMs: 100 }).start();
