import type { IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import {
  lastDeadLetterId,
  markDeadLetterReplayed,
  pendingDeadLetters,
  type StoredDeadLetter,
} from '../db/dead-letter-repository.js';
import type { Logger } from '../observability/logger.js';
import { TOPICS } from './contracts.js';
import { DeadLetterSink, type DeadLetterSource } from './dead-letter-sink.js';
import { type EventDeps, type ProcessedMessage, processPaymentMessage } from './payment-handler.js';

/**
 * Replays dead letters: the rows of the `dead_letters` table and the messages of the dead-letter
 * topic, each handled once per run through the consumer's own handling (payment-handler.ts), so
 * the run knows what was handled and what went back. It takes the end of both at start and stops
 * there: a letter that fails again is written as a new dead letter beyond that end, for a later
 * run, never replayed again by this one. The replay group's offsets (and `replayed_at` on rows)
 * remember what a run has done. Run it once the cause is fixed (README, Runbook: dead letters).
 */

export interface ReplayOptions {
  /** The consumed topic whose dead letters are replayed (the table holds those of every consumer). */
  topic?: string;
  deadLetterTopic?: string;
  /** Consumer group that remembers what was replayed from the topic. */
  groupId?: string;
  /** Only list what would be replayed. */
  dryRun?: boolean;
  /** Replay at most this many letters. */
  limit?: number;
  /** Stop reading the topic once no message arrived for this long (before its end: a gap). */
  idleMs?: number;
}

export interface ReplayedLetter {
  from: 'topic' | 'table';
  topic: string;
  ceId: string | null;
  /** Why it was dead-lettered. */
  reason: string;
  /** What the replay did: `handled`, `returned` (dead-lettered again) or `listed` (dry run). */
  result: 'handled' | 'returned' | 'listed';
  /** The outcome (`confirmed`, `duplicate`, …) or the new reason. */
  detail: string;
}

const text = (value: IHeaders[string]): string | null => {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? null : first.toString();
};

function withoutDeadLetterHeaders(headers: IHeaders | undefined): IHeaders {
  return Object.fromEntries(Object.entries(headers ?? {}).filter(([name]) => !name.startsWith('dlq_')));
}

function headersOf(pairs: StoredDeadLetter['headers']): IHeaders {
  const headers: Record<string, Buffer[]> = {};
  for (const [name, value] of pairs) {
    const values = headers[name] ?? [];
    values.push(value);
    headers[name] = values;
  }
  return Object.fromEntries(Object.entries(headers).map(([name, values]) => [name, values.length === 1 ? values[0] : values]));
}

function letterOf(from: ReplayedLetter['from'], source: DeadLetterSource, reason: string, done?: ProcessedMessage) {
  const letter: ReplayedLetter = {
    from,
    topic: source.topic,
    ceId: text(source.message.headers?.ce_id),
    reason,
    result: 'listed',
    detail: '',
  };
  if (!done) return letter;
  const returned = done.outcome.kind === 'dead-letter';
  return {
    ...letter,
    result: returned ? 'returned' : 'handled',
    detail: done.outcome.kind === 'dead-letter' ? `${done.outcome.reason} (kept in the ${done.store})` : done.outcome.kind,
  } satisfies ReplayedLetter;
}

export class DeadLetterReplay {
  private readonly letters: ReplayedLetter[] = [];
  private readonly sink: DeadLetterSink;
  private readonly limit: number;

  constructor(
    private readonly kafka: Kafka,
    private readonly deps: EventDeps,
    logger: Logger,
    private readonly options: ReplayOptions = {},
  ) {
    this.limit = options.limit ?? Number.POSITIVE_INFINITY;
    this.sink = new DeadLetterSink(kafka, deps.db, logger, { topic: this.deadLetterTopic });
  }

  private get deadLetterTopic(): string {
    return this.options.deadLetterTopic ?? TOPICS.paymentProcessedDeadLetter;
  }

  private handle(source: DeadLetterSource): Promise<ProcessedMessage> {
    return processPaymentMessage(this.deps, this.sink, source, { attempts: 3, backoffMs: 200 });
  }

  /** Both stores, table first; what each letter became. */
  async run(): Promise<ReplayedLetter[]> {
    try {
      await this.replayTable();
      await this.replayTopic();
    } finally {
      await this.sink.close();
    }
    return this.letters;
  }

  private async replayTable(): Promise<void> {
    const upToId = await lastDeadLetterId(this.deps.db);
    let afterId = 0n;
    while (this.letters.length < this.limit) {
      const sourceTopic = this.options.topic ?? TOPICS.paymentProcessed;
      const rows = await pendingDeadLetters(this.deps.db, { sourceTopic, afterId, upToId, limit: 50 });
      if (rows.length === 0) return;
      for (const row of rows) {
        if (this.letters.length >= this.limit) return;
        afterId = row.id;
        const source: DeadLetterSource = {
          topic: row.sourceTopic,
          partition: row.sourcePartition,
          message: { key: row.key, value: row.value, headers: headersOf(row.headers), offset: row.sourceOffset },
        };
        if (this.options.dryRun) {
          this.letters.push(letterOf('table', source, row.reason));
          continue;
        }
        const letter = letterOf('table', source, row.reason, await this.handle(source));
        await markDeadLetterReplayed(this.deps.db, row.id, `${letter.result}: ${letter.detail}`);
        this.letters.push(letter);
      }
    }
  }

  /** The topic's end offsets now, and where the replay group stands: what is left to replay. */
  private async remaining(): Promise<Map<number, bigint>> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const groupId = this.options.groupId ?? 'svc-reservations-dlq-replay';
      const [ends, committed] = await Promise.all([
        admin.fetchTopicOffsets(this.deadLetterTopic),
        admin.fetchOffsets({ groupId, topics: [this.deadLetterTopic] }),
      ]);
      const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
      const left = new Map<number, bigint>();
      for (const partition of ends) {
        const from =
          (done.get(partition.partition) ?? -1n) >= 0n ? (done.get(partition.partition) as bigint) : BigInt(partition.low);
        if (from < BigInt(partition.high)) left.set(partition.partition, BigInt(partition.high));
      }
      return left;
    } finally {
      await admin.disconnect();
    }
  }

  private async replayTopic(): Promise<void> {
    const ends = await this.remaining();
    if (ends.size === 0 || this.letters.length >= this.limit) return;
    const consumer = this.kafka.consumer({ groupId: this.options.groupId ?? 'svc-reservations-dlq-replay' });
    let finish: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    let lastActivity = Date.now();
    const idle = setInterval(() => {
      if (Date.now() - lastActivity >= (this.options.idleMs ?? 10_000)) finish();
    }, 200);
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [this.deadLetterTopic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ topic, partition, message }) => {
          lastActivity = Date.now();
          const end = ends.get(partition);
          // Beyond the end taken at start (letters that came back during this run): not this run's.
          if (end === undefined || BigInt(message.offset) >= end || this.letters.length >= this.limit) {
            ends.delete(partition);
            consumer.pause([{ topic, partitions: [partition] }]);
          } else {
            await this.replayMessage(partition, message);
            if (!this.options.dryRun) {
              await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
            }
            if (BigInt(message.offset) + 1n >= end) ends.delete(partition);
          }
          if (ends.size === 0 || this.letters.length >= this.limit) finish();
        },
      });
      await finished;
    } finally {
      clearInterval(idle);
      await consumer.disconnect();
    }
  }

  private async replayMessage(partition: number, message: KafkaMessage): Promise<void> {
    const headers = message.headers;
    // Anyone can write to the topic: where a letter says it came from is checked, not trusted.
    const originalPartition = Number(text(headers?.dlq_original_partition));
    const originalOffset = text(headers?.dlq_original_offset) ?? '';
    const source: DeadLetterSource = {
      topic: text(headers?.dlq_original_topic)?.slice(0, 255) || TOPICS.paymentProcessed,
      partition:
        Number.isInteger(originalPartition) && originalPartition >= 0 && originalPartition < 2 ** 31
          ? originalPartition
          : partition,
      message: {
        key: message.key,
        value: message.value,
        headers: withoutDeadLetterHeaders(headers),
        offset: /^\d{1,18}$/.test(originalOffset) ? originalOffset : message.offset,
      },
    };
    const reason = text(headers?.dlq_reason) ?? '';
    this.letters.push(letterOf('topic', source, reason, this.options.dryRun ? undefined : await this.handle(source)));
  }
}
