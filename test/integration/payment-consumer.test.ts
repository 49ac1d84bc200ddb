import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TOPICS } from '../../src/events/contracts.js';
import { CREATE, reservationInput } from '../support/factories.js';
import { readTopics, testKafka } from '../support/kafka-read.js';
import { withAdmin } from '../support/postgres.js';
import { useService } from '../support/service.js';

const brokers = inject('kafkaBrokers');
const group = `svc-reservations-test-${randomUUID()}`;
const test = useService({
  KAFKA_BROKERS: brokers,
  KAFKA_CONSUMER_GROUP: group,
  OUTBOX_POLL_INTERVAL_MS: '200',
  PAYMENT_CONSUMER_READY_GRACE_MS: '1000',
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

async function send(
  value: unknown,
  eventId: string = randomUUID(),
  key = 'k',
  headers: Record<string, string> = {},
): Promise<string> {
  await producer.send({
    topic: TOPICS.paymentProcessed,
    messages: [
      {
        key,
        value: typeof value === 'string' || Buffer.isBuffer(value) ? value : JSON.stringify(value),
        headers: {
          ce_id: eventId,
          ce_type: 'payment.processed',
          ce_source: 'urn:novatrek:support:svc-payments',
          ce_specversion: '1.0',
          'content-type': 'application/json',
          ...headers,
        },
      },
    ],
  });
  return eventId;
}

async function metric(name: string, label = ''): Promise<number> {
  const text = await (await fetch(new URL('/metrics', test.service.url))).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(label));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

async function readiness(): Promise<{ status: number; failed: string[] }> {
  const response = await fetch(new URL('/health/ready', test.service.url));
  const body = (await response.json()) as { failed?: string[] };
  return { status: response.status, failed: body.failed ?? [] };
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

  it('dead-letters a well-formed payment whose CloudEvents type is not the contract, and leaves the reservation alone', async () => {
    const { id } = await pending();
    const refunded = await send(payment(id), randomUUID(), id, { ce_type: 'payment.refunded' });
    const untyped = await send(payment(id), randomUUID(), id, { 'content-type': 'text/plain' });
    const marker = await pending();
    await send(payment(marker.id), randomUUID(), id);
    await expect.poll(() => reservationRow(marker.id), { timeout: 30_000 }).toMatchObject({ status: 'CONFIRMED' });

    expect(await reservationRow(id)).toMatchObject({ status: 'PENDING', deposit_status: 'PENDING', rev: 1 });
    const dead = await readTopics(brokers, [TOPICS.paymentProcessedDeadLetter], (ms) =>
      [refunded, untyped].every((eventId) => ms.some((m) => m.headers.ce_id === eventId)),
    );
    const reasons = Object.fromEntries(dead.map((m) => [m.headers.ce_id, m.headers.dlq_reason]));
    expect(reasons[refunded]).toMatch(/ce_type is "payment.refunded"/);
    expect(reasons[untyped]).toMatch(/content-type is "text\/plain"/);
    const inbox = await test.db.pool.query(
      'SELECT count(*)::int AS n FROM reservations.processed_messages WHERE message_id = ANY($1)',
      [[refunded, untyped]],
    );
    expect(inbox.rows[0].n).toBe(0);
  });

  it('keeps a dead letter too large for the dead-letter topic in the dead_letters table, whole, and goes on', async () => {
    // With these headers the record batch is the value + 237 bytes: 1,048,537, within the broker's
    // limit (1,048,588); the dlq_* headers add about 130 bytes, which the dead-letter topic refuses.
    const value = Buffer.alloc(1_048_300, 'x');
    value.write('{"paymentId":"', 0);
    const big = await send(value, randomUUID(), 'big');
    const { id } = await pending();
    await send(payment(id), randomUUID(), 'big');

    await expect.poll(() => reservationRow(id), { timeout: 30_000 }).toMatchObject({ status: 'CONFIRMED' });
    const { rows } = await test.db.pool.query(
      'SELECT message_value, reason, source_topic FROM reservations.dead_letters WHERE ce_id = $1',
      [big],
    );
    expect(rows).toHaveLength(1);
    expect(Buffer.compare(rows[0].message_value, value)).toBe(0);
    expect(rows[0]).toMatchObject({ reason: 'value is not JSON', source_topic: TOPICS.paymentProcessed });
    expect(await metric('reservations_payment_dead_letters_total', 'store="table"')).toBeGreaterThanOrEqual(1);
  });

  it('is restarted after it crashes, says so in readiness and metrics meanwhile, and loses nothing', async () => {
    const { id } = await pending();
    const admin = inject('pgAdminUrl');
    const setConnections = (allow: boolean) =>
      withAdmin(admin, async (client) => {
        await client.query(`ALTER DATABASE "${test.db.name}" WITH ALLOW_CONNECTIONS ${allow}`);
        if (!allow)
          await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [test.db.name]);
      });
    const restartsBefore = await metric('reservations_payment_consumer_restarts_total');
    await setConnections(false);
    try {
      await send(payment(id), randomUUID(), id);
      // The database is gone: the message cannot be handled nor dead-lettered, so the consumer
      // gives up on it without committing, crashes, and is started again with backoff.
      await expect
        .poll(() => metric('reservations_payment_consumer_restarts_total'), { timeout: 90_000, interval: 500 })
        .toBeGreaterThan(restartsBefore);
      await expect
        .poll(async () => (await readiness()).failed, { timeout: 30_000, interval: 200 })
        .toContainEqual(expect.stringMatching(/payment consumer not (running|advancing)/));
    } finally {
      await setConnections(true);
    }
    await expect.poll(() => reservationRow(id), { timeout: 90_000, interval: 500 }).toMatchObject({ status: 'CONFIRMED' });
    await expect.poll(async () => (await readiness()).status, { timeout: 30_000 }).toBe(200);
    expect(await metric('reservations_payment_consumer_running')).toBe(1);
  }, 240_000);
});
