import type { Kafka, KafkaMessage } from 'kafkajs';
import { eraseOnEvent } from '../app/erase-personal-data.js';
import type { PersonalDataStore } from '../app/ports/personal-data-store.js';
import type { Db } from '../db/rows.js';
import type { Logger } from '../observability/logger.js';
import { readCloudEvent } from './cloud-event.js';
import { GUEST_ERASED_ATTRIBUTES, guestErasedSchema, TOPICS } from './contracts.js';
import { DeadLetterSink, type DeadLetterSource } from './dead-letter-sink.js';
import { type ProcessedMessage, processToTheEnd } from './message-processing.js';
import { SupervisedConsumer, type SupervisedConsumerOptions } from './supervised-consumer.js';

/**
 * Consumes `guest.erased` from guest profiles: the guest's personal data is erased here as by the
 * staff mutation, once per `ce_id` (the same CloudEvents checks, dead letters and supervision as
 * `payment.processed`).
 */

export type GuestErasedOutcome =
  | { kind: 'erased'; reservations: number; fieldsCleared: number }
  | { kind: 'duplicate' }
  | { kind: 'dead-letter'; reason: string };

export async function handleGuestErasedMessage(
  store: PersonalDataStore,
  clock: () => Date,
  topic: string,
  message: Pick<KafkaMessage, 'headers' | 'value'>,
): Promise<GuestErasedOutcome> {
  const read = readCloudEvent({ headers: message.headers, value: message.value }, GUEST_ERASED_ATTRIBUTES);
  if (!read.ok) return { kind: 'dead-letter', reason: read.reason };
  const parsed = guestErasedSchema.safeParse(read.body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    return { kind: 'dead-letter', reason: `payload does not match guest.erased: ${issues}` };
  }
  const outcome = await eraseOnEvent(store, {
    eventId: read.eventId,
    topic,
    guestId: parsed.data.guestId.toLowerCase(),
    source: read.source,
    now: clock(),
  });
  if (outcome.kind === 'duplicate') return outcome;
  return { kind: 'erased', reservations: outcome.report.reservationsTouched, fieldsCleared: outcome.report.fieldsCleared };
}

export interface GuestErasedConsumerOptions extends SupervisedConsumerOptions {
  topic?: string;
  deadLetterTopic?: string;
}

export class GuestErasedConsumer extends SupervisedConsumer {
  constructor(
    kafka: Kafka,
    store: PersonalDataStore,
    db: Db,
    clock: () => Date,
    logger: Logger,
    options: GuestErasedConsumerOptions,
  ) {
    const sink = new DeadLetterSink(kafka, db, logger, { topic: options.deadLetterTopic ?? TOPICS.guestErasedDeadLetter });
    const contract = {
      label: 'guest.erased',
      topic: options.topic ?? TOPICS.guestErased,
      sink,
      process: (source: DeadLetterSource, heartbeat: () => Promise<void>): Promise<ProcessedMessage> =>
        processToTheEnd(db, sink, source, { attempts: 5, backoffMs: 200, heartbeat }, () =>
          handleGuestErasedMessage(store, clock, source.topic, source.message),
        ),
    };
    super(kafka, contract, logger, options);
  }
}
