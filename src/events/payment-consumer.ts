import type { Consumer, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { AppDeps } from '../app/deps.js';
import { changeReservationIn } from '../app/unit-of-work.js';
import { findReservations } from '../db/reservation-repository.js';
import { parseUuid, reservationDateOfId } from '../domain/index.js';
import type { Logger } from '../observability/logger.js';
import { type PaymentProcessed, paymentProcessedSchema, TOPICS } from './contracts.js';

/**
 * Consumes `payment.processed`: a successful deposit settles it and confirms a PENDING
 * reservation (a real transition, with its history row and events). Exactly-once in effect: the
 * event id goes into the inbox in the same transaction as the effect, so a redelivery changes
 * nothing; the offset is committed only after that transaction. A message that can never be
 * processed (malformed, unknown reservation) goes to the dead-letter topic with its reason, and
 * the consumer goes on.
 */

export type PaymentOutcome =
  | { kind: 'confirmed' | 'settled' | 'declined' | 'ignored' | 'duplicate' }
  | { kind: 'dead-letter'; reason: string };

class DeadLetter extends Error {}

function header(headers: IHeaders | undefined, name: string): string | null {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? null : first.toString();
}

function parseMessage(message: KafkaMessage): { eventId: string; payment: PaymentProcessed } {
  const eventId = header(message.headers, 'ce_id');
  if (!eventId || eventId.length > 128) throw new DeadLetter('missing or oversized ce_id header');
  let body: unknown;
  try {
    body = JSON.parse(message.value?.toString('utf8') ?? '');
  } catch {
    throw new DeadLetter('value is not JSON');
  }
  const parsed = paymentProcessedSchema.safeParse(body);
  if (!parsed.success) {
    throw new DeadLetter(
      `payload does not match payment.processed: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return { eventId, payment: parsed.data };
}

export async function handlePaymentMessage(deps: AppDeps, topic: string, message: KafkaMessage): Promise<PaymentOutcome> {
  let eventId: string;
  let payment: PaymentProcessed;
  try {
    ({ eventId, payment } = parseMessage(message));
  } catch (error) {
    if (error instanceof DeadLetter) return { kind: 'dead-letter', reason: error.message };
    throw error;
  }
  const id = parseUuid(payment.reservationId);
  const reservationDate = id ? reservationDateOfId(id) : null;
  if (!id || !reservationDate) return { kind: 'dead-letter', reason: `unknown reservation ${payment.reservationId}` };
  const key = { id, reservationDate };

  return deps.prisma.$transaction(async (tx) => {
    const inbox = await tx.processedMessage.createMany({
      data: [{ messageId: eventId, topic, outcome: 'processing' }],
      skipDuplicates: true,
    });
    if (inbox.count === 0) return { kind: 'duplicate' } as const;

    const outcome = await applyPayment(tx, deps, key, payment);
    if (outcome.kind === 'dead-letter') {
      // Keep the inbox row (a redelivery is dead-lettered once only) but say why.
      await tx.processedMessage.update({ where: { messageId: eventId }, data: { outcome: 'dead-letter' } });
      return outcome;
    }
    await tx.processedMessage.update({ where: { messageId: eventId }, data: { outcome: outcome.kind } });
    return outcome;
  }, deps.transactionOptions);
}

async function applyPayment(
  tx: Parameters<Parameters<AppDeps['prisma']['$transaction']>[0]>[0],
  deps: AppDeps,
  key: { id: string; reservationDate: string },
  payment: PaymentProcessed,
): Promise<PaymentOutcome> {
  const [current] = await findReservations(tx, [key]);
  if (!current) return { kind: 'dead-letter', reason: `unknown reservation ${key.id}` };
  if (payment.kind !== 'DEPOSIT') return { kind: 'ignored' };
  if (payment.status === 'FAILED') {
    if (current.depositStatus !== 'PENDING') return { kind: 'ignored' };
    await changeReservationIn(
      tx,
      deps,
      { key, expectedRev: current.rev, actor: { kind: 'service', id: 'svc-payments' } },
      () => ({
        changes: { depositStatus: 'DECLINED', paymentId: payment.paymentId },
      }),
    );
    return { kind: 'declined' };
  }
  if (current.depositStatus === 'SETTLED') return { kind: 'ignored' };
  const confirm = current.status === 'PENDING';
  await changeReservationIn(
    tx,
    deps,
    { key, expectedRev: current.rev, actor: { kind: 'service', id: 'svc-payments' } },
    (_current, _tx, now) => ({
      changes: {
        depositStatus: 'SETTLED',
        paymentId: payment.paymentId,
        depositSettledAt: now,
        ...(confirm && { status: 'CONFIRMED' as const }),
      },
      statusReason: confirm ? `deposit settled (payment ${payment.paymentId})` : null,
    }),
  );
  return { kind: confirm ? 'confirmed' : 'settled' };
}

export interface PaymentConsumerOptions {
  groupId: string;
  topic?: string;
  deadLetterTopic?: string;
}

export class PaymentProcessedConsumer {
  private readonly consumer: Consumer;
  private readonly deadLetters: Producer;
  private readonly topic: string;
  private readonly deadLetterTopic: string;

  constructor(
    kafka: Kafka,
    private readonly deps: AppDeps,
    private readonly logger: Logger,
    options: PaymentConsumerOptions,
  ) {
    this.topic = options.topic ?? TOPICS.paymentProcessed;
    this.deadLetterTopic = options.deadLetterTopic ?? TOPICS.paymentProcessedDeadLetter;
    this.consumer = kafka.consumer({ groupId: options.groupId, sessionTimeout: 30_000, heartbeatInterval: 3_000 });
    this.deadLetters = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  }

  async start(): Promise<void> {
    await this.deadLetters.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const outcome = await handlePaymentMessage(this.deps, topic, message);
        if (outcome.kind === 'dead-letter') await this.deadLetter(topic, partition, message, outcome.reason);
        this.logger.info({ topic, partition, offset: message.offset, outcome }, 'payment.processed handled');
        // Only now: the effect (or the dead letter) is durable.
        await this.consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
      },
    });
  }

  private async deadLetter(topic: string, partition: number, message: KafkaMessage, reason: string): Promise<void> {
    this.logger.warn({ topic, partition, offset: message.offset, reason }, 'payment.processed sent to the dead-letter topic');
    await this.deadLetters.send({
      topic: this.deadLetterTopic,
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...message.headers,
            dlq_reason: reason.slice(0, 1000),
            dlq_original_topic: topic,
            dlq_original_partition: String(partition),
            dlq_original_offset: message.offset,
          },
        },
      ],
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await this.deadLetters.disconnect();
  }

  /** Messages behind the head of the topic for this group, summed over partitions. */
  async lag(kafka: Kafka, groupId: string): Promise<number> {
    return consumerLag(kafka, groupId, this.topic);
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
