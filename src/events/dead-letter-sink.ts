import type { IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { type DeadLetterRecord, storeDeadLetter } from '../db/dead-letter-repository.js';
import type { Db } from '../db/rows.js';
import type { Logger } from '../observability/logger.js';

/**
 * Writes a dead letter durably before its offset may be committed: to the dead-letter topic
 * (acks from all in-sync replicas), or, when the topic refuses it (a value near the broker's size
 * limit no longer fits once the `dlq_*` headers are added) or cannot be reached in time, to the
 * `dead_letters` table as raw bytes. Throws only when both fail: then nothing may be committed.
 */

export type DeadLetterStore = 'topic' | 'table';

export interface DeadLetterSource {
  topic: string;
  partition: number;
  message: Pick<KafkaMessage, 'key' | 'value' | 'headers' | 'offset'>;
}

/** Every header as raw bytes, repeated names kept. */
export function headerPairs(headers: IHeaders | undefined): [string, Buffer][] {
  const pairs: [string, Buffer][] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    for (const one of Array.isArray(value) ? value : [value]) {
      if (one !== undefined) pairs.push([name, Buffer.from(one)]);
    }
  }
  return pairs;
}

export class DeadLetterSink {
  private producer: Producer | null = null;
  private connecting: Promise<void> | null = null;

  constructor(
    private readonly kafka: Kafka | null,
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly options: { topic: string; sendTimeoutMs?: number },
  ) {}

  async store(source: DeadLetterSource, reason: string): Promise<DeadLetterStore> {
    try {
      await this.send(source, reason);
      return 'topic';
    } catch (error) {
      this.logger.warn(
        { err: error, topic: source.topic, partition: source.partition, offset: source.message.offset, reason },
        'the dead-letter topic refused the message; keeping it in the dead_letters table',
      );
      await this.reset();
    }
    const record: DeadLetterRecord = {
      sourceTopic: source.topic,
      sourcePartition: source.partition,
      sourceOffset: source.message.offset,
      key: source.message.key ?? null,
      value: source.message.value ?? null,
      headers: headerPairs(source.message.headers),
      ceId: ceIdOf(source.message.headers),
      reason,
    };
    await storeDeadLetter(this.db, record);
    return 'table';
  }

  private async send(source: DeadLetterSource, reason: string): Promise<void> {
    if (!this.kafka) throw new Error('Kafka is not configured');
    const kafka = this.kafka;
    const timeoutMs = this.options.sendTimeoutMs ?? 15_000;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the dead-letter topic did not acknowledge within ${timeoutMs} ms`)), timeoutMs);
    });
    const sent = (async () => {
      this.producer ??= kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      const producer = this.producer;
      this.connecting ??= producer.connect();
      await this.connecting;
      await producer.send({
        topic: this.options.topic,
        acks: -1,
        messages: [
          {
            key: source.message.key,
            value: source.message.value,
            headers: {
              ...source.message.headers,
              dlq_reason: reason.slice(0, 1000),
              dlq_original_topic: source.topic,
              dlq_original_partition: String(source.partition),
              dlq_original_offset: source.message.offset,
            },
          },
        ],
      });
    })();
    try {
      await Promise.race([sent, deadline]);
    } finally {
      clearTimeout(timer);
      sent.catch(() => {});
    }
  }

  /** A fresh producer after a failure: kafkajs may keep a broken connection or sequence state. */
  private async reset(): Promise<void> {
    const stale = this.producer;
    this.producer = null;
    this.connecting = null;
    // Not awaited while a send may still hang on it.
    void stale?.disconnect().catch(() => {});
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = null;
    this.connecting = null;
    await producer?.disconnect().catch(() => {});
  }
}

function ceIdOf(headers: IHeaders | undefined): string | null {
  const value = headers?.ce_id;
  const first = Array.isArray(value) ? value[0] : value;
  // The column is text: NUL cannot be stored there (the raw header is in `headers`).
  return first === undefined ? null : first.toString().replaceAll('\u0000', '').slice(0, 128);
}
