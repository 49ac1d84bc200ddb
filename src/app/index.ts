/**
 * src/app — the use cases: one module per operation (create-reservation, transitions,
 * modify-reservation, participants, deposit, deposit-sweep, settle-payment), the unit of work that
 * is their transaction boundary, and the ports they need, written in their own words: storage
 * (ports.ts: Store, Transaction), outbound services and logging (outbound.ts), and the events
 * they promise (published-events.ts, outbox-entries.ts: pure builders of outbox entries).
 *
 * May import: src/domain and itself, and small libraries (zod). Never an adapter (src/db, events,
 * clients, graphql, observability), the composition root, Prisma, GraphQL, kafkajs or pg — the
 * adapters implement the ports and the composition root (src/service.ts) hands them in as AppDeps.
 * Checked by `npm run check:deps`.
 */
