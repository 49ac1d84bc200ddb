/**
 * src/clients — the outbound HTTP adapter: guest profiles, trip catalog and payments, with their
 * contracts (validated responses), timeouts, retries, circuit breakers and per-request batching.
 * OutboundClients implements the app's OutboundServices port (src/app/outbound.ts).
 *
 * May import: src/domain (its errors) and HTTP/resilience libraries. Never src/db, src/events or
 * src/graphql. Checked by `npm run check:deps`.
 */
