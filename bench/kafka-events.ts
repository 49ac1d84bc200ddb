import { Kafka, logLevel } from 'kafkajs';
import { TOPICS } from '../src/events/contracts.js';
import { type KafkaBroker, startKafkaBroker } from '../tools/kafka/broker.js';

/**
 * Commit-to-Kafka latency: the topics are created with `LogAppendTime`, so a record's timestamp
 * is the moment the broker appended it; the service process notes when each outbox row's
 * transaction committed (bench/servers/statement-counter.ts). Latency = append − commit, per
 * event, matched on ce_id (the outbox id).
 */

export interface EventLatency {
  events: number;
  /** Events committed but not found on the topic (not published in time). */
  missing: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export async function startBenchKafka(): Promise<{ broker: KafkaBroker; kafka: Kafka }> {
  const broker = await startKafkaBroker();
  const kafka = new Kafka({ brokers: [broker.brokers], clientId: 'svc-reservations-bench', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [TOPICS.reservationStatusChanged, TOPICS.reservationCreated].map((topic) => ({
      topic,
      numPartitions: 3,
      configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }],
    })),
  });
  await admin.disconnect();
  return { broker, kafka };
}

/** Append time of the `expected` events on the status-changed topic, by ce_id, read from the beginning. */
export async function appendTimes(kafka: Kafka, expected: Set<string>, timeoutMs = 30_000): Promise<Map<string, number>> {
  let found = 0;
  const times = new Map<string, number>();
  const consumer = kafka.consumer({ groupId: `bench-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPICS.reservationStatusChanged, fromBeginning: true });
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  const timer = setTimeout(() => done(), timeoutMs);
  await consumer.run({
    eachBatchAutoResolve: true,
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        const id = message.headers?.ce_id?.toString();
        if (!id) continue;
        if (expected.has(id) && !times.has(id)) found++;
        times.set(id, Number(message.timestamp));
      }
      if (found >= expected.size) done();
    },
  });
  await finished;
  clearTimeout(timer);
  await consumer.disconnect();
  return times;
}

/** `eventIds`: the outbox ids of kind 'event' (the commit log also holds notifications and aggregate ids). */
/** `commits`: the ids a run committed; `written`: each event's transaction start (measure-writes.ts). */
export function eventLatency(
  commits: [string, number][],
  written: Map<string, number>,
  appended: Map<string, number>,
): EventLatency {
  const latencies: number[] = [];
  let missing = 0;
  for (const [id] of commits) {
    const startedAt = written.get(id);
    if (startedAt === undefined) continue;
    const at = appended.get(id);
    if (at === undefined) missing++;
    else latencies.push(at - startedAt);
  }
  latencies.sort((a, b) => a - b);
  const quantile = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return {
    events: latencies.length,
    missing,
    p50: quantile(0.5),
    p90: quantile(0.9),
    p99: quantile(0.99),
    max: latencies.at(-1) ?? Number.NaN,
  };
}
