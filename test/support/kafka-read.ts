import { randomUUID } from 'node:crypto';
import { type Admin, type IHeaders, Kafka, logLevel } from 'kafkajs';
import type pg from 'pg';

export interface ReadMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: unknown;
  headers: Record<string, string>;
}

export function testKafka(brokers: string): Kafka {
  return new Kafka({ clientId: `test-${randomUUID()}`, brokers: brokers.split(','), logLevel: logLevel.NOTHING });
}

function headersOf(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = first.toString();
  }
  return out;
}

/** A topic created a moment ago may not have partition leaders yet; consuming it then fails. */
async function waitForLeaders(admin: Admin, topics: string[]): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const ready = await admin
      .fetchTopicMetadata({ topics })
      .then((metadata) =>
        metadata.topics.every((topic) => topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0)),
      )
      .catch(() => false);
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Creates the topics (when they do not exist) and waits until every partition has a leader. On a
 * busy broker `createTopics` itself can fail while the new topic's metadata spreads ("This server
 * does not host this topic-partition"); the metadata poll is what decides.
 */
export async function ensureTopics(kafka: Kafka, topics: string[], numPartitions = 1): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin
      .createTopics({ topics: topics.map((topic) => ({ topic, numPartitions })), waitForLeaders: false })
      .catch(() => false);
    await waitForLeaders(admin, topics);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads topics from the beginning with a fresh consumer group until `done(messages)` holds or
 * the time runs out (then returns what it has: the caller's assertions say what was missing).
 */
export async function readTopics(
  brokers: string,
  topics: string[],
  done: (messages: ReadMessage[]) => boolean,
  timeoutMs = 60_000,
): Promise<ReadMessage[]> {
  const kafka = testKafka(brokers);
  await ensureTopics(kafka, topics, 3);
  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}` });
  const messages: ReadMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      let value: unknown = null;
      try {
        value = JSON.parse(message.value?.toString('utf8') ?? 'null');
      } catch {
        value = message.value?.toString('utf8') ?? null;
      }
      messages.push({
        topic,
        partition,
        offset: message.offset,
        key: message.key?.toString('utf8') ?? null,
        value,
        headers: headersOf(message.headers),
      });
      if (done(messages)) finish();
    },
  });
  const timer = setTimeout(finish, timeoutMs);
  if (done(messages)) finish();
  await finished;
  clearTimeout(timer);
  await consumer.disconnect();
  return messages;
}

/** Events of a reservation still waiting in the outbox (0 once the relay has published them all). */
export async function unpublishedEvents(pool: { query: pg.Pool['query'] }, reservationId: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM reservations.outbox WHERE aggregate_id = $1 AND kind = 'event' AND published_at IS NULL`,
    [reservationId],
  );
  return rows[0]?.n ?? 0;
}
