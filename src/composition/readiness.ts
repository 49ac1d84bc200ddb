import type pg from 'pg';
import { pendingOf } from '../db/migrations.js';
import type { GuestErasedConsumer } from '../events/guest-erased-consumer.js';
import type { KafkaEventPublisher } from '../events/kafka.js';
import { consumerProblem, type PaymentProcessedConsumer } from '../events/payment-consumer.js';

export interface ReadinessSources {
  pool: pg.Pool;
  tableSchema: string;
  migrationNames: string[];
  publisher: KafkaEventPublisher | null;
  consumer: PaymentProcessedConsumer | null;
  guestErased: GuestErasedConsumer | null;
  requiresKafka: boolean;
  consumerGraceMs: number;
  shuttingDown: () => boolean;
}

export interface Readiness {
  failed: string[];
  checks: Record<string, string>;
}

/** `/health/ready`: what fails it and what it reports (README › Operations). */
export function readinessCheck(sources: ReadinessSources): () => Promise<Readiness> {
  const { pool, publisher, consumer } = sources;
  return async () => {
    const failed: string[] = sources.shuttingDown() ? ['shutting down'] : [];
    const checks: Record<string, string> = {};
    try {
      const client = await pool.connect();
      try {
        const pending = await pendingOf(sources.migrationNames, client, sources.tableSchema);
        checks.database = 'reachable';
        checks.migrations = pending.length === 0 ? 'applied' : `${pending.length} pending`;
        if (pending.length > 0) failed.push('migrations pending');
      } finally {
        client.release();
      }
    } catch {
      checks.database = 'unreachable';
      failed.push('database unreachable');
    }
    // Kafka down does not stop bookings (events wait in the outbox), so by default it is reported,
    // not a reason to take the instance out of rotation; READINESS_REQUIRES_KAFKA makes it one.
    checks.kafka = publisher ? (publisher.isConnected() ? 'connected' : 'disconnected') : 'not configured';
    if (sources.requiresKafka && publisher && !publisher.isConnected()) failed.push('kafka producer not connected');
    // A crashed or stuck consumer stalls payments (paid bookings would expire): out of rotation,
    // so it is seen. Kafka unreachable altogether is the case above, decided by its own setting.
    if (consumer) {
      const problem = consumerProblem(consumer.status(), new Date(), sources.consumerGraceMs);
      checks.paymentConsumer = problem ?? (consumer.status().running ? 'running' : 'starting');
      const kafkaDown = publisher !== null && !publisher.isConnected() && !sources.requiresKafka;
      if (problem && !kafkaDown) failed.push(problem);
    }
    // Reported, not a reason to leave rotation: erasures wait in the topic and bookings go on.
    if (sources.guestErased) {
      const status = sources.guestErased.status();
      checks.guestErasedConsumer =
        consumerProblem(status, new Date(), sources.consumerGraceMs, 'guest.erased consumer') ??
        (status.running ? 'running' : 'starting');
    }
    return { failed, checks };
  };
}
