import type { Kafka } from 'kafkajs';
import type { AppDeps } from '../app/deps.js';
import type { Logger } from '../observability/logger.js';
import { TOPICS } from './contracts.js';
import { DeadLetterSink } from './dead-letter-sink.js';
import { processPaymentMessage } from './payment-handler.js';
import { type ConsumerStatus, SupervisedConsumer, type SupervisedConsumerOptions } from './supervised-consumer.js';

/** Consumes `payment.processed` (what a message does: payment-handler.ts), supervised. */

export { consumerLag, consumerProblem } from './supervised-consumer.js';
export type PaymentConsumerStatus = ConsumerStatus;

export interface PaymentConsumerOptions extends SupervisedConsumerOptions {
  topic?: string;
  deadLetterTopic?: string;
}

export class PaymentProcessedConsumer extends SupervisedConsumer {
  constructor(kafka: Kafka, deps: AppDeps, logger: Logger, options: PaymentConsumerOptions) {
    const sink = new DeadLetterSink(kafka, deps.prisma, logger, {
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
