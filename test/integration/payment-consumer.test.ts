import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TOPICS } from '../../src/events/contracts.js';
import { CREATE, reservationInput } from '../support/factories.js';
import { readTopics, testKafka } from '../support/kafka-read.js';
import { useService } from '../support/service.js';

const brokers = inject('kafkaBrokers');
const test = useService({
  KAFKA_BROKERS: brokers,
  KAFKA_CONSUMER_GROUP: `svc-reservations-test-${randomUUID()}`,
  OUTBOX_POLL_INTERVAL_MS: '200',
});

let producer: Producer;
beforeAll(async () => {
  producer = testKafka(brokers).producer();
  await producer.connect();
});
afterAll(() => producer.disconnect());

async function pending(): Promise<{ id: string }> {
  const result = await test.graphql<{ createReservation: { id: string } }>(CREATE, { input: reservationInput() });
  const reservation = result.data?.createReservation;
  if (!reservation) throw new Error(JSON.stringify(result.errors));
  return reservation;
}

function payment(reservationId: string, overrides: Record<string, unknown> = {}) {
  return {
    paymentId: `pay_${randomUUID().slice(0, 8)}`,
    reservationId,
    kind: 'DEPOSIT',
    status: 'SUCCEEDED',
    amountCents: 15000,
    currency: 'EUR',
    processedAt: new Date().toISOString(),
    ...overrides,
  };
}

async function send(value: unknown, eventId: string = randomUUID(), key = 'k'): Promise<string> {
  await producer.send({
    topic: TOPICS.paymentProcessed,
    messages: [
      {
        key,
        value: typeof value === 'string' ? value : JSON.stringify(value),
        headers: {
          ce_id: eventId,
          ce_type: 'payment.processed',
          ce_source: 'urn:novatrek:support:svc-payments',
          ce_specversion: '1.0',
        },
      },
    ],
  });
  return eventId;
}

async function reservationRow(id: string) {
  const { rows } = await test.db.pool.query(
    'SELECT status, _rev AS rev, deposit_status, payment_id FROM reservations.reservations WHERE id = $1',
    [id],
  );
  return rows[0];
}

describe('the payment.processed consumer', () => {
  it('settles the deposit and confirms a PENDING reservation, with its history and events', async () => {
    const { id } = await pending();
    const body = payment(id);
    await send(body, randomUUID(), id);

    await expect
      .poll(() => reservationRow(id), { timeout: 30_000 })
      .toMatchObject({ status: 'CONFIRMED', deposit_status: 'SETTLED', rev: 2 });
    expect((await reservationRow(id)).payment_id).toBe(body.paymentId);
    const history = await test.db.pool.query(
      'SELECT from_status, to_status, actor FROM reservations.status_history WHERE reservation_id = $1 ORDER BY rev',
      [id],
    );
    expect(history.rows.at(-1)).toEqual({ from_status: 'PENDING', to_status: 'CONFIRMED', actor: 'service:svc-payments' });
    const created = await readTopics(brokers, [TOPICS.reservationCreated], (ms) => ms.some((m) => m.key === id));
    expect(created.filter((m) => m.key === id)).toHaveLength(1);
  });

  it('changes nothing when the same event is delivered again', async () => {
    const { id } = await pending();
    const eventId = randomUUID();
    const body = payment(id);
    await send(body, eventId, id);
    await expect.poll(() => reservationRow(id), { timeout: 30_000 }).toMatchObject({ status: 'CONFIRMED', rev: 2 });

    await send(body, eventId, id);
    const marker = await pending();
    // Same key, same partition: once the marker behind it is processed, so is the duplicate.
    await send(payment(marker.id), randomUUID(), id);
    await expect.poll(() => reservationRow(marker.id), { timeout: 30_000 }).toMatchObject({ status: 'CONFIRMED' });
    expect(await reservationRow(id)).toMatchObject({ status: 'CONFIRMED', rev: 2 });
    const history = await test.db.pool.query(
      'SELECT count(*)::int AS n FROM reservations.status_history WHERE reservation_id = $1',
      [id],
    );
    expect(history.rows[0].n).toBe(2);
  });

  it('dead-letters malformed and unknown-reservation messages with the reason, and goes on', async () => {
    const malformedId = await send('{ not json');
    const invalidId = await send({ reservationId: 'nope' });
    const unknownId = await send(payment('019ab5c4-0000-7000-8000-000000000001'));
    const { id } = await pending();
    await send(payment(id), randomUUID(), id);

    await expect.poll(() => reservationRow(id), { timeout: 30_000 }).toMatchObject({ status: 'CONFIRMED' });
    const dead = await readTopics(brokers, [TOPICS.paymentProcessedDeadLetter], (ms) =>
      [malformedId, invalidId, unknownId].every((eventId) => ms.some((m) => m.headers.ce_id === eventId)),
    );
    const reasons = Object.fromEntries(dead.map((m) => [m.headers.ce_id, m.headers.dlq_reason]));
    expect(reasons[malformedId]).toBe('value is not JSON');
    expect(reasons[invalidId]).toMatch(/does not match payment.processed/);
    expect(reasons[unknownId]).toMatch(/unknown reservation/);
    const original = dead.find((m) => m.headers.ce_id === malformedId);
    expect(original?.headers.dlq_original_topic).toBe(TOPICS.paymentProcessed);
  });
});
