import { randomUUID } from 'node:crypto';
import { type Consumer, type IHeaders, Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KafkaBroker, startKafkaBroker } from '../../tools/kafka/broker.js';

/**
 * Proves the test broker is a real Kafka: topics, an idempotent producer and a consumer group
 * round-trip a message, and its data survives a stop and a restart on the same port.
 * Uses KAFKA_BROKERS when set; otherwise starts its own broker from the Maven jars.
 */

// Broker start (a JVM, plus Maven the very first time) is slow; hooks get room, assertions don't.
const BROKER_START_MS = 300_000;
const ROUND_TRIP_MS = 60_000;

const external = process.env.KAFKA_BROKERS;
let broker: KafkaBroker | undefined;
let brokers = external ?? '';

beforeAll(async () => {
  if (external) return;
  broker = await startKafkaBroker();
  brokers = broker.brokers;
}, BROKER_START_MS);

afterAll(async () => {
  await broker?.stop();
}, BROKER_START_MS);

function kafka(): Kafka {
  return new Kafka({
    clientId: 'kafka-broker-test',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
}

interface Received {
  key: string | undefined;
  value: string | undefined;
  headers: Record<string, string>;
}

function headersAsText(headers: IHeaders | undefined): Record<string, string> {
  const text: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) text[name] = String(value);
  return text;
}

/** Reads the first message of `topic` with a fresh consumer group, from the beginning. */
async function readFirstMessage(topic: string): Promise<Received> {
  const consumer: Consumer = kafka().consumer({ groupId: `kafka-broker-test-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    return await new Promise<Received>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message }) => {
            resolve({
              key: message.key?.toString(),
              value: message.value?.toString(),
              headers: headersAsText(message.headers),
            });
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}

async function createTopic(topic: string): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    const created = await admin.createTopics({
      topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    expect(created).toBe(true);
  } finally {
    await admin.disconnect();
  }
}

async function produceOne(
  topic: string,
  message: { key: string; value: string; headers: Record<string, string> },
): Promise<void> {
  const producer = kafka().producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const [result] = await producer.send({ topic, acks: -1, messages: [message] });
    expect(result?.errorCode).toBe(0);
  } finally {
    await producer.disconnect();
  }
}

/** A new topic holding one message with a key, a JSON value and CloudEvents-style headers. */
async function sendToNewTopic(): Promise<{ topic: string; message: Received }> {
  const topic = `kafka-broker-test-${randomUUID()}`;
  const message = {
    key: 'reservation-42',
    value: JSON.stringify({ status: 'CONFIRMED', seats: 2 }),
    headers: { ce_id: randomUUID(), ce_type: 'booking.reservation.confirmed', ce_specversion: '1.0' },
  };
  await createTopic(topic);
  await produceOne(topic, message);
  return { topic, message };
}

describe('the Kafka broker for tests', () => {
  it(
    'round-trips key, value and headers through a topic, an idempotent producer and a consumer group',
    async () => {
      const { topic, message } = await sendToNewTopic();
      expect(await readFirstMessage(topic)).toEqual(message);
    },
    ROUND_TRIP_MS,
  );

  // Only a broker this file started can be stopped; an external one is left alone.
  it.skipIf(Boolean(external))(
    'keeps earlier messages across stop() and restart() on the same port',
    async () => {
      const running = broker;
      if (!running) throw new Error('no broker started by this file');
      const { topic, message } = await sendToNewTopic();
      const before = running.brokers;
      await running.stop();
      await running.restart();
      expect(running.brokers).toBe(before);
      expect(await readFirstMessage(topic)).toEqual(message);
    },
    BROKER_START_MS,
  );
});
