import { parentPort, workerData } from 'node:worker_threads';
import { createPool } from '../db/pool.js';
import { createKafka, KafkaEventPublisher } from '../events/kafka.js';
import { OutboxRelay } from '../events/outbox-relay.js';
import { createLogger } from '../observability/logger.js';
import { logProcessWarnings } from '../observability/warnings.js';
import {
  notificationSender,
  type RelayWorkerCommand,
  type RelayWorkerData,
  type RelayWorkerMessage,
  relayOptionsOf,
} from './relay-thread.js';

/** The outbox relay's thread (relay-thread.ts): its own pool and producer, told to drain and stop by the service. */

const port = parentPort;
if (!port) throw new Error('relay-worker.ts runs as a worker thread (relay-thread.ts)');
const { config, databaseUrl } = workerData as RelayWorkerData;
const logger = createLogger(config.logLevel).child({ component: 'outbox-relay', thread: 'relay' });
logProcessWarnings(logger);
// The claim and the mark of a batch, and the purge: the lease session is a connection of its own.
const pool = createPool(databaseUrl, 3, logger);
const kafka =
  config.kafka.brokers.length > 0
    ? createKafka({ brokers: config.kafka.brokers, clientId: `${config.kafka.clientId}-relay` }, logger)
    : null;
const publisher = kafka ? new KafkaEventPublisher(kafka) : null;
const notifier = notificationSender(config);
const relay = new OutboxRelay(pool, databaseUrl, publisher, notifier, logger, relayOptionsOf(config));
const send = (message: RelayWorkerMessage) => port.postMessage(message);

relay.start();
publisher
  ?.connect()
  .catch((error: unknown) => logger.warn({ err: error }, 'Kafka is not reachable yet; events wait in the outbox'));

// Leadership as the service sees it (health, tests): sent when it changes.
let leader = false;
const watch = setInterval(() => {
  if (relay.isLeader() !== leader) {
    leader = relay.isLeader();
    send({ type: 'leader', leader });
  }
}, 100);

port.on('message', (command: RelayWorkerCommand) => {
  if (command.type === 'drain') {
    relay.drainAll().then(
      (count) => send({ type: 'drained', id: command.id, count }),
      (error: unknown) => send({ type: 'drained', id: command.id, error: String(error) }),
    );
    return;
  }
  clearInterval(watch);
  void (async () => {
    await relay.stop();
    await publisher?.close().catch(() => {});
    notifier?.close();
    await pool.end();
    send({ type: 'stopped' });
    port.close();
  })();
});
