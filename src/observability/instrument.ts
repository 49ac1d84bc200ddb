/**
 * Loaded before the service with `--import` (see package.json `start`, Dockerfile): registers the
 * ESM loader hook of OpenTelemetry and starts tracing, when OTEL_TRACES_EXPORTER is set.
 */
import { register } from 'node:module';
import { startTracing, tracingEnabled } from './tracing.js';

/**
 * The hook wraps only what the instrumentations patch — Node's modules and packages — never the
 * service's own files (a file: URL outside node_modules). Under tsx it could not wrap those: it
 * resolves `export * from './enums.js'` of the generated Prisma client itself, without tsx's
 * `.js` → `.ts` mapping, and printed "failed to wrap" at every start.
 */
const OWN_FILES = /^file:(?!.*\/node_modules\/)/;

if (tracingEnabled()) {
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, { data: { exclude: [OWN_FILES] } });
  startTracing();
}
