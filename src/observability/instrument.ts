/**
 * Loaded before the service with `--import` (see package.json `start`, Dockerfile): registers the
 * ESM loader hook of OpenTelemetry and starts tracing, when OTEL_TRACES_EXPORTER is set.
 */
import { register } from 'node:module';
import { startTracing, tracingEnabled } from './tracing.js';

if (tracingEnabled()) {
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  startTracing();
}
