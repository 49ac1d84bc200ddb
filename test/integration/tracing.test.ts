import type { ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bookingServiceUrls, type RunningStubs, startStubs } from '../../stubs/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { CREATE, reservationInput } from '../support/factories.js';
import { spawnService } from '../support/spawn-service.js';
import { authEnv, createTestTokens, type TestTokens } from '../support/tokens.js';

/**
 * The real entry point with OpenTelemetry on (`--import src/observability/instrument.ts`),
 * exporting OTLP/HTTP JSON to a collector stand-in: a booking yields spans of HTTP, GraphQL, SQL
 * and Kafka, and the request id travels as a span attribute.
 */

interface ExportedSpan {
  scope: string;
  name: string;
  /** OTLP's SpanKind: 2 server, 3 client. */
  kind: number;
  traceId: string;
  attributes: Record<string, unknown>;
}

const brokers = inject('kafkaBrokers');
const spans: ExportedSpan[] = [];
let collector: Server;
let collectorUrl: string;
let db: TestDatabase;
let tokens: TestTokens;
let stubs: RunningStubs;
let child: ChildProcess | null = null;
let stderr: () => string = () => '';

beforeAll(async () => {
  collector = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      if (request.url === '/v1/traces') {
        const parsed = JSON.parse(body) as {
          resourceSpans: {
            scopeSpans: {
              scope: { name: string };
              spans: {
                name: string;
                kind: number;
                traceId: string;
                attributes?: { key: string; value: Record<string, unknown> }[];
              }[];
            }[];
          }[];
        };
        for (const resource of parsed.resourceSpans)
          for (const scope of resource.scopeSpans)
            for (const span of scope.spans) {
              spans.push({
                scope: scope.scope.name,
                name: span.name,
                kind: span.kind,
                traceId: span.traceId,
                attributes: Object.fromEntries((span.attributes ?? []).map((a) => [a.key, Object.values(a.value)[0]])),
              });
            }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  collectorUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  db = await createTestDatabase();
  tokens = await createTestTokens();
  stubs = await startStubs({ 'guest-profiles': 0, 'trip-catalog': 0, payments: 0, notifications: 0 });
});

afterAll(async () => {
  child?.kill('SIGKILL');
  await stubs.stop();
  await db.drop();
  collector.close();
});

async function startTracedService(): Promise<string> {
  const started = await spawnService({
    NODE_ENV: 'test',
    ...authEnv(tokens),
    DATABASE_URL: db.url,
    KAFKA_BROKERS: brokers,
    PAYMENT_CONSUMER_ENABLED: 'false',
    ...bookingServiceUrls(stubs),
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl,
    OTEL_BSP_SCHEDULE_DELAY: '100',
    OTEL_SERVICE_NAME: 'svc-reservations-test',
  });
  child = started.process;
  stderr = started.stderr;
  return started.url;
}

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline)
      throw new Error(`timed out; spans so far: ${[...new Set(spans.map((span) => `${span.scope} ${span.name}`))].join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('tracing', () => {
  it('exports spans of HTTP, GraphQL, SQL and Kafka for a booking, with its request id', { timeout: 90_000 }, async () => {
    const url = await startTracedService();
    const headers = {
      'content-type': 'application/json',
      authorization: `Bearer ${await tokens.sign('staff')}`,
      'x-request-id': 'trace-test-1',
    };
    const created = (await (
      await fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query: CREATE, variables: { input: reservationInput() } }),
      })
    ).json()) as { data?: { createReservation: { id: string } } };
    expect(created.data?.createReservation.id).toBeDefined();

    const isRequest = (span: ExportedSpan) =>
      span.scope.includes('instrumentation-http') && span.attributes['app.request_id'] === 'trace-test-1';
    // Spans leave in batches: wait for the request's own and for the relay's publish.
    await until(() => spans.some(isRequest) && spans.some((span) => span.scope.includes('kafkajs')));
    const request = spans.find(isRequest);
    expect(request, 'the HTTP server span carries the request id').toBeDefined();
    const inRequest = spans.filter((span) => span.traceId === request?.traceId);
    expect(new Set(inRequest.map((span) => span.scope))).toEqual(
      new Set([
        '@opentelemetry/instrumentation-http',
        '@opentelemetry/instrumentation-graphql',
        '@opentelemetry/instrumentation-pg',
      ]),
    );
    const sql = (span: ExportedSpan) => String(span.attributes['db.statement'] ?? span.attributes['db.query.text'] ?? '');
    // The booking's writes (one statement of CTEs since #15) are a pg span of the request's trace.
    expect(
      inRequest.some(
        (span) => span.scope.includes('instrumentation-pg') && /\bINSERT INTO reservations\.reservations\b/i.test(sql(span)),
      ),
    ).toBe(true);
    // The outbound calls of the booking (guest profiles, catalog, payments; node:http) are client spans of the same trace,
    const outbound = inRequest.filter((span) => span.scope.includes('instrumentation-http') && span.kind === 3);
    expect(outbound.length).toBeGreaterThanOrEqual(3);
    // and each call carried the trace on to the service (W3C traceparent: version-traceId-spanId-flags).
    for (const service of ['guest-profiles', 'trip-catalog', 'payments'] as const) {
      const sent = stubs.calls(service).map((call) => call.traceparent?.split('-')[1]);
      expect(sent, `${service} got the trace`).toContain(request?.traceId);
    }
    const kafka = spans.filter((span) => span.scope.includes('kafkajs'));
    expect(kafka.map((span) => span.name)).toContain('send novatrek.booking.reservation.status-changed');
    // The loader hook wraps packages and Node's modules only: under tsx it could not wrap the
    // generated Prisma client (its `export * from './enums.js'`) and said so at every start.
    expect(stderr()).not.toContain('failed to wrap');
  });
});
