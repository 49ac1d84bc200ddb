/**
 * src/events — the Kafka adapter: the relay that delivers the outbox after commit (outbox-relay,
 * kafka: producer and CloudEvents headers), the notification sender, the `payment.processed`
 * consumer (payment-consumer supervises it, payment-handler reads a message and calls the
 * settle-payment use case), dead letters and their replay, and the event contracts (contracts.ts:
 * topics, consumed schemas; the published ones come from src/app/published-events.ts).
 *
 * May import: src/app, src/domain, src/db (the relay's queries, dead letters), src/observability,
 * kafkajs and pg connections. Never src/graphql or src/clients. Checked by `npm run check:deps`.
 */
