import { describe, expect, it } from 'vitest';
import { CREATE, reservationInput } from '../support/factories.js';
import { useService } from '../support/service.js';

/** No Kafka here: events wait in the outbox, which the lag gauge must show. */
const test = useService();

const base = () => test.service.url.replace(/\/graphql$/, '');

/** The value of the first sample of `name` that carries every one of `labels` (in any order). */
function gauge(metrics: string, name: string, labels = ''): number | null {
  const wanted = labels ? labels.split(',') : [];
  const line = metrics.split('\n').find((candidate) => {
    if (!candidate.startsWith(`${name}{`) && !candidate.startsWith(`${name} `)) return false;
    return wanted.every((label) => candidate.includes(label));
  });
  return line ? Number(line.split(' ').at(-1)) : null;
}

describe('metrics and health', () => {
  it('reports the age of the oldest undelivered event as outbox lag', async () => {
    const before = await (await fetch(`${base()}/metrics`)).text();
    expect(gauge(before, 'reservations_outbox_lag_seconds', 'kind="event"')).toBe(0);

    await test.graphql(CREATE, { input: reservationInput() });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const response = await fetch(`${base()}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const after = await response.text();
    expect(gauge(after, 'reservations_outbox_lag_seconds', 'kind="event"')).toBeGreaterThanOrEqual(1);
    expect(after).toContain('process_cpu_user_seconds_total');
  });

  it('counts request latency per operation and errors by code', async () => {
    await test.graphql('query LookUpReservation { reservation(id: "not-a-uuid") { id } }');
    await test.graphql('query LookUpReservation { reservation(id: "019ab5c4-0000-7000-8000-000000000000") { id } }');
    const metrics = await (await fetch(`${base()}/metrics`)).text();
    const count = gauge(
      metrics,
      'reservations_graphql_request_duration_seconds_count',
      'operation="LookUpReservation",type="query"',
    );
    expect(count).toBe(2);
    expect(gauge(metrics, 'reservations_graphql_errors_total', 'code="BAD_USER_INPUT"')).toBeGreaterThanOrEqual(1);
    expect(gauge(metrics, 'reservations_db_pool_connections', 'state="total"')).toBeGreaterThanOrEqual(1);
  });

  it('counts calls to other services by outcome and shows each circuit breaker', async () => {
    await test.graphql(CREATE, { input: reservationInput() });
    const healthy = await (await fetch(`${base()}/metrics`)).text();
    for (const service of ['guest-profiles', 'trip-catalog', 'payments']) {
      expect(
        gauge(healthy, 'reservations_dependency_call_duration_seconds_count', `service="${service}",outcome="ok"`),
        service,
      ).toBeGreaterThanOrEqual(1);
      expect(gauge(healthy, 'reservations_dependency_breaker_state', `service="${service}",state="closed"`), service).toBe(1);
    }

    // Payments down until its breaker opens: threshold 5 failed calls (each after its retry), one per booking.
    await test.stubs.control('payments', { mode: 'down' });
    for (let booking = 0; booking < 5; booking++) await test.graphql(CREATE, { input: reservationInput() });
    const failing = await (await fetch(`${base()}/metrics`)).text();
    await test.stubs.control('payments', { mode: 'normal' });
    expect(
      gauge(failing, 'reservations_dependency_call_duration_seconds_count', 'service="payments",outcome="failed"'),
    ).toBeGreaterThanOrEqual(2);
    expect(gauge(failing, 'reservations_dependency_breaker_state', 'service="payments",state="open"')).toBe(1);
    expect(gauge(failing, 'reservations_dependency_breaker_state', 'service="payments",state="closed"')).toBe(0);
    expect(gauge(failing, 'reservations_dependency_breaker_state', 'service="guest-profiles",state="closed"')).toBe(1);
  });

  it('answers live and ready when the database is reachable and migrated', async () => {
    const live = await fetch(`${base()}/health/live`);
    const ready = await fetch(`${base()}/health/ready`);
    expect(live.status).toBe(200);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      failed: [],
      checks: { database: 'reachable', migrations: 'applied', kafka: 'not configured' },
    });
  });

  it('refuses a request body over the limit with a typed error', async () => {
    const response = await fetch(test.service.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ __typename }`, padding: 'x'.repeat(1_100_000) }),
    });
    expect(response.status).toBe(413);
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });
});
