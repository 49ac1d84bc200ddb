import type { Kafka } from 'kafkajs';
import type { Logger } from '../observability/logger.js';
import { TOPICS } from './contracts.js';
import { DeadLetterSink } from './dead-letter-sink.js';
import { type EventDeps, processPaymentMessage } from './payment-handler.js';
import { SupervisedConsumer, type SupervisedConsumerOptions } from './supervised-consumer.js';

/** Consumes `payment.processed` (what a message does: payment-handler.ts), supervised. */

export { consumerLag, consumerProblem } from './supervised-consumer.js';

export interface PaymentConsumerOptions extends SupervisedConsumerOptions {
  topic?: string;
  deadLetterTopic?: string;
}

export class PaymentProcessedConsumer extends SupervisedConsumer {
  constructor(kafka: Kafka, deps: EventDeps, logger: Logger, options: PaymentConsumerOptions) {
    const sink = new DeadLetterSink(kafka, deps.db, logger, {
      topic: options.deadLetterTopic ?? TOPICS.paymentProcessedDeadLetter,
    });
    const contract = {
      label: 'payment.processed',
      topic: options.topic ?? TOPICS.paymentProcessed,
      sink,
      process: (source: Parameters<typeof processPaymentMessage>[2], heartbeat: () => Promise<void>) =>
        processPaymentMessage(deps, sink, source, { attempts: 5, backoffMs: 200, heartbeat }),
    };
    super(kafka, contract, logger, options);
  }
}
