/**
 * src/composition — the pieces src/service.ts (the composition root) wires: the HTTP server and
 * each request's context (http.ts), readiness (readiness.ts), start-up steps (startup.ts) and the
 * shutdown sequence (lifecycle.ts).
 *
 * May import: anything in src. Imported only by src/service.ts and src/main.ts. Checked by
 * `npm run check:deps`.
 */
