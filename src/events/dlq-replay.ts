import type { IHeaders, Kafka } from 'kafkajs';
import { TOPICS } from './contracts.js';

/**
 * Replays dead letters: each message of the dead-letter topic is published again to the topic it
 * came from (`dlq_original_topic`, else payment.processed), with its key, value and original
 * headers (the `dlq_*` ones dropped), then its offset is committed for the replay group, so a
 * message is replayed once. The consumer handles each `ce_id` once: replaying a message that was
 * processed meanwhile changes nothing. Run it once the cause is fixed (README, Runbook).
 */

export interface ReplayOptions {
  deadLetterTopic?: string;
  /** Consumer group that remembers what was replayed. */
  groupId?: string;
  /** Only list what would be replayed. */
  dryRun?: boolean;
  /** Replay at most this many messages. */
  limit?: number;
  /** Stop once no message arrived for this long. */
  idleMs?: number;
}

export interface ReplayedMessage {
  topic: string;
  key: string | null;
  ceId: string | null;
  reason: string;
}

function withoutDeadLetterHeaders(headers: IHeaders | undefined): IHeaders {
  return Object.fromEntries(Object.entries(headers ?? {}).filter(([name]) => !name.startsWith('dlq_')));
}

const text = (value: IHeaders[string]): string | null => {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? null : first.toString();
};

export async function replayDeadLetters(kafka: Kafka, options: ReplayOptions = {}): Promise<ReplayedMessage[]> {
  const deadLetterTopic = options.deadLetterTopic ?? `${TOPICS.paymentProcessed}.dlq`;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const replayed: ReplayedMessage[] = [];
  const consumer = kafka.consumer({ groupId: options.groupId ?? 'svc-reservations-dlq-replay' });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await Promise.all([consumer.connect(), options.dryRun ? Promise.resolve() : producer.connect()]);
  try {
    await consumer.subscribe({ topics: [deadLetterTopic], fromBeginning: true });
    let lastActivity = Date.now();
    let done: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        lastActivity = Date.now();
        if (replayed.length >= limit) return done();
        const target = text(message.headers?.dlq_original_topic) ?? TOPICS.paymentProcessed;
        const entry = {
          topic: target,
          key: message.key?.toString() ?? null,
          ceId: text(message.headers?.ce_id),
          reason: text(message.headers?.dlq_reason) ?? '',
        };
        if (!options.dryRun) {
          await producer.send({
            topic: target,
            acks: -1,
            messages: [{ key: message.key, value: message.value, headers: withoutDeadLetterHeaders(message.headers) }],
          });
          await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
        }
        replayed.push(entry);
        if (replayed.length >= limit) done();
      },
    });
    const idleMs = options.idleMs ?? 5_000;
    const idle = setInterval(() => {
      if (Date.now() - lastActivity >= idleMs) done();
    }, 200);
    await finished;
    clearInterval(idle);
  } finally {
    await consumer.disconnect();
    if (!options.dryRun) await producer.disconnect();
  }
  return replayed;
}
