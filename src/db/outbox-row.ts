/** A row of the transactional outbox as the events adapter builds it (src/events/outbox.ts). */
export interface OutboxRow {
  /** The event id (CloudEvents `ce_id`), also the notification's idempotency key. */
  id: string;
  kind: 'event' | 'notification';
  aggregateId: string;
  type: string;
  /** A Kafka topic, or a notification template. */
  destination: string;
  payload: Record<string, unknown>;
  headers: Record<string, string>;
}
