import { describe, expect, inject, it } from 'vitest';
import { useService } from '../support/service.js';

/** Readiness and Kafka: reported always; a reason to be unready only with READINESS_REQUIRES_KAFKA. */
const brokers = inject('kafkaBrokers');
const withBroker = useService({ KAFKA_BROKERS: brokers, PAYMENT_CONSUMER_ENABLED: 'false', READINESS_REQUIRES_KAFKA: 'true' });
// Nothing listens on port 1: the producer can never connect.
const withoutBroker = useService({
  KAFKA_BROKERS: '127.0.0.1:1',
  PAYMENT_CONSUMER_ENABLED: 'false',
  READINESS_REQUIRES_KAFKA: 'true',
});
const lenient = useService({ KAFKA_BROKERS: '127.0.0.1:1', PAYMENT_CONSUMER_ENABLED: 'false' });

async function ready(url: string): Promise<{ status: number; body: { failed: string[]; checks: Record<string, string> } }> {
  const response = await fetch(url.replace(/\/graphql$/, '/health/ready'));
  return { status: response.status, body: (await response.json()) as { failed: string[]; checks: Record<string, string> } };
}

describe('readiness and the Kafka producer', () => {
  it('is ready once the producer has connected at start, before any event', async () => {
    const deadline = Date.now() + 20_000;
    let last = await ready(withBroker.service.url);
    while (last.status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      last = await ready(withBroker.service.url);
    }
    expect(last).toEqual({
      status: 200,
      body: expect.objectContaining({ failed: [], checks: expect.objectContaining({ kafka: 'connected' }) }),
    });
  });

  it('is not ready while the broker cannot be reached, when required', async () => {
    const { status, body } = await ready(withoutBroker.service.url);
    expect(status).toBe(503);
    expect(body.failed).toEqual(['kafka producer not connected']);
    expect(body.checks.kafka).toBe('disconnected');
  });

  it('stays ready and says so when not required: bookings go on, events wait in the outbox', async () => {
    const { status, body } = await ready(lenient.service.url);
    expect(status).toBe(200);
    expect(body.checks.kafka).toBe('disconnected');
  });
});
