import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';

/**
 * OpenTelemetry tracing of HTTP (the server, and the calls to other services over node:http),
 * GraphQL, SQL (pg, under Prisma's adapter) and Kafka (kafkajs producer and consumer), off unless
 * OTEL_TRACES_EXPORTER says where spans go (`otlp`, with the standard OTEL_EXPORTER_OTLP_* variables,
 * or `console`). Started by src/observability/instrument.ts, loaded with `--import` before anything
 * else, so the libraries are patched as they load.
 */

let sdk: NodeSDK | null = null;

export function tracingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const exporter = env.OTEL_TRACES_EXPORTER;
  return exporter !== undefined && exporter !== '' && exporter !== 'none';
}

export function startTracing(): void {
  if (sdk) return;
  sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME || 'svc-reservations',
    instrumentations: [
      // The server, and as client spans with `traceparent` sent along, the calls to guest profiles,
      // trip catalog, payments and notifications (src/clients/transport.ts: node:http, not fetch,
      // so no undici instrumentation).
      new HttpInstrumentation({
        // Probes and scrapes are not worth a trace each.
        ignoreIncomingRequestHook: (request) => /^\/(health|metrics)/.test(request.url ?? ''),
      }),
      new GraphQLInstrumentation({ mergeItems: true, ignoreTrivialResolveSpans: true }),
      // SQL inside a request or a traced job; the relay's and probes' polling would drown the rest.
      new PgInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true }),
      new KafkaJsInstrumentation(),
    ],
  });
  sdk.start();
}

/** Sends the spans still buffered; part of the graceful shutdown. */
export async function stopTracing(): Promise<void> {
  await sdk?.shutdown();
  sdk = null;
}
