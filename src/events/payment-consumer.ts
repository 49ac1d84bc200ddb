import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from '../observability/logger.js';
import { TOPICS } from './contracts.js';
import { DeadLetterSink, type DeadLetterStore } from './dead-letter-sink.js';
import { type EventDeps, processPaymentMessage } from './payment-handler.js';

/**
 * Consumes `payment.processed` (what a message does: payment-handler.ts). The offset is committed
 * only once the message's effect or its dead letter is durable. The consumer is supervised: when
 * kafkajs gives up (it does not restart after a non-retriable error) a fresh consumer is started
 * with backoff, and `status()` tells readiness and metrics whether it runs and advances.
 */

export interface PaymentConsumerOptions {
  groupId: string;
  topic?: string;
  deadLetterTopic?: string;
  /** First restart delay after a crash, doubled up to `maxRestartDelayMs`. */
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
  /** Counted by the metrics. */
  onDeadLetter?: (store: DeadLetterStore) => void;
  onRestart?: () => void;
}

export interface PaymentConsumerStatus {
  running: boolean;
  /** Since when it has not been running (null while it runs). */
  notRunningSince: Date | null;
  /** The last committed offset. */
  lastProgressAt: Date | null;
  /** Since when the message in hand has been handled (null between messages). */
  handlingSince: Date | null;
  restarts: number;
}

export class PaymentProcessedConsumer {
  private consumer: Consumer | null = null;
  private readonly sink: DeadLetterSink;
  private readonly topic: string;
  private stopped = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private restartDelayMs: number;
  private state: PaymentConsumerStatus;

  constructor(
    private readonly kafka: Kafka,
    private readonly deps: EventDeps,
    private readonly logger: Logger,
    private readonly options: PaymentConsumerOptions,
  ) {
    this.topic = options.topic ?? TOPICS.paymentProcessed;
    this.sink = new DeadLetterSink(kafka, deps.db, logger, {
      topic: options.deadLetterTopic ?? TOPICS.paymentProcessedDeadLetter,
    });
    this.restartDelayMs = options.restartDelayMs ?? 1_000;
    this.state = { running: false, notRunningSince: new Date(), lastProgressAt: null, handlingSince: null, restarts: 0 };
  }

  status(): PaymentConsumerStatus {
    return { ...this.state };
  }

  /** Starts in the background and keeps it running until `stop()`; never throws. */
  start(): void {
    this.stopped = false;
    void this.runOnce();
  }

  private async runOnce(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      // The supervisor restarts, for every kind of crash alike.
      retry: { retries: 3, initialRetryTime: 300, restartOnFailure: async () => false },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => this.running(true));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.logger.error({ err: payload.error }, 'payment.processed consumer crashed; restarting it');
      this.restart(consumer);
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: this.topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ topic, partition, message, heartbeat }) => {
          this.state.handlingSince = new Date();
          const { outcome, store } = await processPaymentMessage(
            this.deps,
            this.sink,
            { topic, partition, message },
            { attempts: 5, backoffMs: 200, heartbeat },
          );
          if (store) {
            this.logger.warn(
              { topic, partition, offset: message.offset, reason: outcome, store },
              'payment.processed dead-lettered',
            );
            this.options.onDeadLetter?.(store);
          } else this.logger.info({ topic, partition, offset: message.offset, outcome }, 'payment.processed handled');
          // Only now: the effect (or the dead letter) is durable.
          await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
          this.state.lastProgressAt = new Date();
          this.state.handlingSince = null;
          this.restartDelayMs = this.options.restartDelayMs ?? 1_000;
        },
      });
    } catch (error) {
      this.logger.warn({ err: error }, 'payment.processed consumer could not start; retrying');
      this.restart(consumer);
    }
  }

  private running(value: boolean): void {
    if (value === this.state.running) return;
    this.state.running = value;
    this.state.notRunningSince = value ? null : new Date();
    if (!value) this.state.handlingSince = null;
  }

  /** Drops this consumer and starts a fresh one after the backoff (once per crashed consumer). */
  private restart(crashed: Consumer): void {
    if (this.consumer !== crashed) return;
    this.consumer = null;
    this.running(false);
    void crashed.disconnect().catch(() => {});
    if (this.stopped) return;
    const delay = this.restartDelayMs;
    this.restartDelayMs = Math.min(delay * 2, this.options.maxRestartDelayMs ?? 30_000);
    this.state.restarts += 1;
    this.options.onRestart?.();
    this.restartTimer = setTimeout(() => {
      if (!this.stopped) void this.runOnce();
    }, delay);
    this.restartTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    const consumer = this.consumer;
    this.consumer = null;
    this.running(false);
    await consumer?.disconnect();
    await this.sink.close();
  }
}

export async function consumerLag(kafka: Kafka, groupId: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [committed, latest] = await Promise.all([
      admin.fetchOffsets({ groupId, topics: [topic] }),
      admin.fetchTopicOffsets(topic),
    ]);
    const committedBy = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
    let lag = 0n;
    for (const partition of latest) {
      const head = BigInt(partition.high);
      const done = committedBy.get(partition.partition) ?? -1n;
      lag += done < 0n ? head - BigInt(partition.low) : head - done;
    }
    return Number(lag);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Why readiness should fail for this consumer status, or null: not running, or stuck on one
 * message, for longer than the grace period (a restart with backoff or a rebalance takes less).
 */
export function consumerProblem(status: PaymentConsumerStatus, now: Date, graceMs: number): string | null {
  const longer = (since: Date | null) => since !== null && now.getTime() - since.getTime() > graceMs;
  if (!status.running && longer(status.notRunningSince)) return 'payment consumer not running';
  if (status.running && longer(status.handlingSince)) return 'payment consumer not advancing';
  return null;
}
