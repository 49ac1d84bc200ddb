/**
 * src/graphql — the API adapter: the HTTP server, Apollo and its plugins, authentication, thin
 * resolvers that validate input and call the use cases, per-request loaders (DataLoader over
 * src/db's batch reads) and the mapping of domain errors to GraphQL errors.
 *
 * May import: src/app, src/domain, src/db (reads), src/observability, GraphQL and Apollo. Never
 * src/events or src/clients. Checked by `npm run check:deps`.
 */
