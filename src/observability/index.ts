/**
 * src/observability — logging (pino), metrics (prom-client) and tracing (OpenTelemetry), used by
 * every adapter and the composition root.
 *
 * May import: its libraries only, nothing else in src. Checked by `npm run check:deps`.
 */
