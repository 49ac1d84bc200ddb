/**
 * src/db — the persistence adapter: every SQL statement and Prisma call of the service. One
 * module per table group: reservation-repository (reservations), participant-repository
 * (participants, status history), idempotency-repository (idempotency keys, partner references),
 * outbox-repository (outbox, inbox, the relay's queries), dead-letter-repository, relay-lease,
 * partitions/maintenance and migrations; rows.ts maps rows to the app's views, and store.ts
 * implements the app's storage ports (src/app/ports.ts) over them.
 *
 * May import: src/app (its ports and views, to implement them), src/domain, src/observability,
 * Prisma and pg. Never src/graphql, src/events or src/clients. Checked by `npm run check:deps`.
 */
