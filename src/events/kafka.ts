import { Kafka, type KafkaConfig, logLevel, Partitioners, type Producer } from 'kafkajs';
import type { Logger } from '../observability/logger.js';
import { EVENT_SOURCE } from './contracts.js';

/**
 * Our own port in front of kafkajs (which has had no release since 2023): the relay and the
 * consumer depend on these small interfaces, not on the library.
 */

export interface PublishableEvent {
  id: string;
  type: string;
  topic: string;
  /** The reservation id: Kafka keeps one key's messages in order on one partition. */
  key: string;
  payload: unknown;
  time: Date;
  headers: Record<string, string>;
}

export interface EventPublisher {
  /** Resolves once every event is acknowledged by all in-sync replicas; throws otherwise. */
  publish(events: PublishableEvent[]): Promise<void>;
  isConnected(): boolean;
  close(): Promise<void>;
}

const KAFKA_LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

export function createKafka(options: { brokers: string[]; clientId: string }, logger: Logger): Kafka {
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 200, retries: 3, maxRetryTime: 2_000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }) => {
        const { message, ...rest } = log;
        logger[KAFKA_LEVELS[level] ?? 'info']({ kafka: rest }, `kafka: ${message}`);
      },
  };
  return new Kafka(config);
}

/** CloudEvents 1.0, Kafka protocol binding, binary mode: attributes in `ce_` headers, data in the value. */
export function cloudEventHeaders(event: PublishableEvent): Record<string, string> {
  return {
    ce_specversion: '1.0',
    ce_id: event.id,
    ce_source: EVENT_SOURCE,
    ce_type: event.type,
    ce_time: event.time.toISOString(),
    ce_subject: event.key,
    ce_dataschema: `https://schemas.novatrek.example/booking/${event.type}.schema.json`,
    'content-type': 'application/json',
    ...event.headers,
  };
}

export class KafkaEventPublisher implements EventPublisher {
  private producer: Producer | null = null;
  private connected = false;
  /** A connect in progress, shared by whoever needs the producer meanwhile. */
  private connecting: Promise<void> | null = null;

  /** `timeoutMs` bounds one publish, connect included: kafkajs can wait forever on a dead broker. */
  constructor(
    private readonly kafka: Kafka,
    private readonly timeoutMs = 15_000,
  ) {}

  isConnected(): boolean {
    return this.connected;
  }

  /** Connects the producer ahead of the first publish (bounded like a publish). */
  async connect(): Promise<void> {
    await this.publish([]);
  }

  private createProducer(): Producer {
    // Idempotent with one request in flight: no duplicates from the producer's own retries, and
    // no reordering within a partition.
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2_000 },
    });
    producer.on(producer.events.DISCONNECT, () => {
      if (this.producer === producer) this.connected = false;
    });
    return producer;
  }

  async publish(events: PublishableEvent[]): Promise<void> {
    if (events.length === 0 && this.connected) return;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Kafka did not acknowledge within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      await Promise.race([this.send(events), deadline]);
    } catch (error) {
      // Start over with a fresh producer: after an outage kafkajs may keep a dead connection or a
      // stuck request. What it may still deliver late is a duplicate, which consumers drop by ce_id.
      const stale = this.producer;
      this.producer = null;
      this.connected = false;
      this.connecting = null;
      void stale?.disconnect().catch(() => {});
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private async send(events: PublishableEvent[]): Promise<void> {
    if (!this.producer) this.producer = this.createProducer();
    const producer = this.producer;
    if (!this.connected) {
      this.connecting ??= producer.connect();
      try {
        await this.connecting;
      } finally {
        this.connecting = null;
      }
      this.connected = true;
    }
    if (events.length === 0) return;
    const byTopic = new Map<string, PublishableEvent[]>();
    for (const event of events) byTopic.set(event.topic, [...(byTopic.get(event.topic) ?? []), event]);
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, topicEvents]) => ({
        topic,
        messages: topicEvents.map((event) => ({
          key: event.key,
          value: JSON.stringify(event.payload),
          headers: cloudEventHeaders(event),
          timestamp: String(event.time.getTime()),
        })),
      })),
    });
  }

  async close(): Promise<void> {
    this.connected = false;
    await this.producer?.disconnect();
    this.producer = null;
  }
}
