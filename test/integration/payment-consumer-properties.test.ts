import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { IHeaders } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '../../src/events/contracts.js';
import { DeadLetterSink } from '../../src/events/dead-letter-sink.js';
import { processPaymentMessage } from '../../src/events/payment-handler.js';
import { createLogger } from '../../src/observability/logger.js';
import { CREATE, reservationInput } from '../support/factories.js';
import { useService } from '../support/service.js';

/**
 * The consumer's handling of generated messages, against real PostgreSQL: every message ends
 * handled once or dead-lettered (here in the dead_letters table: no Kafka), nothing throws, and
 * no reservation changes unless the message was valid. The broker paths are in
 * payment-consumer.test.ts.
 */
const test = useService({});
let sink: DeadLetterSink;
beforeAll(() => {
  sink = new DeadLetterSink(null, test.service.deps.db, createLogger('silent'), { topic: 'unused' });
});

const BROKER_LIMIT = 1_048_588;

const goodHeaders = (eventId: string): IHeaders => ({
  ce_id: eventId,
  ce_type: 'payment.processed',
  ce_source: 'urn:novatrek:support:svc-payments',
  ce_specversion: '1.0',
  'content-type': 'application/json',
});

const payment = fc.record({
  paymentId: fc.stringMatching(/^pay_[0-9a-f]{8}$/),
  kind: fc.constantFrom('DEPOSIT', 'DEPOSIT', 'BALANCE', 'REFUND'),
  status: fc.constantFrom('SUCCEEDED', 'SUCCEEDED', 'FAILED'),
  amountCents: fc.nat({ max: 1_000_000 }),
  currency: fc.constantFrom('EUR', 'USD'),
  processedAt: fc.constant('2026-11-25T10:00:00.000Z'),
});

/** Each makes the headers other than the contract's. */
const badHeaders: [string, (headers: IHeaders) => IHeaders][] = [
  ['no ce_type', ({ ce_type: _, ...rest }) => rest],
  ['another ce_type', (h) => ({ ...h, ce_type: 'payment.refunded' })],
  ['another ce_specversion', (h) => ({ ...h, ce_specversion: '0.3' })],
  ['no ce_specversion', ({ ce_specversion: _, ...rest }) => rest],
  ['no content-type', ({ 'content-type': _, ...rest }) => rest],
  ['another content-type', (h) => ({ ...h, 'content-type': 'text/plain' })],
  ['no ce_source', ({ ce_source: _, ...rest }) => rest],
  ['no ce_id', ({ ce_id: _, ...rest }) => rest],
  ['NUL in ce_id', (h) => ({ ...h, ce_id: `${h.ce_id}\u0000` })],
  ['repeated ce_type', (h) => ({ ...h, ce_type: ['payment.processed', 'payment.refunded'] })],
];

/** Each makes the value invalid, or names a reservation that does not exist. */
const badValues: fc.Arbitrary<(body: Record<string, unknown>) => Buffer | null>[] = [
  fc.constant(() => Buffer.from('{ not json')),
  fc.constant(() => null),
  fc.constant((body) => Buffer.from(JSON.stringify([body]))),
  fc.constant((body) => Buffer.from(JSON.stringify({ ...body, amountCents: String(body.amountCents) }))),
  fc.constant((body) => Buffer.from(JSON.stringify({ ...body, paymentId: 'pay\u0000x' }))),
  fc.constant((body) => Buffer.from(JSON.stringify({ ...body, reservationId: randomUUID() }))),
  fc.constant((body) => Buffer.from(JSON.stringify({ ...body, reservationId: '019ab5c4-0000-7000-8000-00000000abcd' }))),
  // Up to the broker's limit: a huge string where a short one belongs.
  fc
    .constantFrom(1_000, 100_000, BROKER_LIMIT - 600)
    .map((size) => (body) => Buffer.from(JSON.stringify({ ...body, paymentId: 'p'.repeat(size - 300) }))),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => () => Buffer.from(bytes)),
];

/** A message of the run; its value is built once the run has its reservations. */
const generated = fc
  .record({
    eventId: fc.uuid(),
    target: fc.nat({ max: 1 }),
    body: payment,
    headerFault: fc.option(fc.constantFrom(...badHeaders), { freq: 3 }),
    valueFault: fc.option(fc.oneof(...badValues), { freq: 3 }),
  })
  .map(({ eventId, target, body, headerFault, valueFault }) => ({
    valid: !headerFault && !valueFault,
    eventId,
    target,
    headers: headerFault ? headerFault[1](goodHeaders(eventId)) : goodHeaders(eventId),
    build: (reservationId: string): Buffer | null => {
      const full = { ...body, reservationId };
      return valueFault ? valueFault(full) : Buffer.from(JSON.stringify(full));
    },
  }));
type Generated = typeof generated extends fc.Arbitrary<infer T> ? T : never;

async function pendingReservation(): Promise<string> {
  const result = await test.graphql<{ createReservation: { id: string } }>(CREATE, { input: reservationInput() });
  const id = result.data?.createReservation.id;
  if (!id) throw new Error(JSON.stringify(result.errors));
  return id;
}

async function snapshot(): Promise<Map<string, string>> {
  const { rows } = await test.db.pool.query(
    'SELECT id, status, _rev, deposit_status, payment_id FROM reservations.reservations ORDER BY id',
  );
  return new Map(rows.map((row) => [row.id as string, JSON.stringify(row)]));
}

const count = async (sql: string, values: unknown[]) => (await test.db.pool.query(sql, values)).rows[0].n as number;

let offset = 0;

describe('the payment consumer, on generated messages', () => {
  it('handles each valid message once, dead-letters every other one, and changes only what a valid one may', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(generated, fc.boolean()), { minLength: 1, maxLength: 6 }), async (steps) => {
        const reservations = [await pendingReservation(), await pendingReservation()];
        const handled: { message: Generated; value: Buffer | null }[] = [];
        for (const [message, repeat] of steps) {
          const target = reservations[message.target] as string;
          const value = message.build(target);
          const before = await snapshot();
          const position = String(++offset);
          const { outcome, store } = await processPaymentMessage(
            test.service.deps,
            sink,
            {
              topic: TOPICS.paymentProcessed,
              partition: 0,
              message: { key: null, value, headers: message.headers, offset: position },
            },
            { attempts: 2, backoffMs: 10 },
          );
          const after = await snapshot();
          const changed = [...after].filter(([id, row]) => before.get(id) !== row).map(([id]) => id);
          const inbox = await count('SELECT count(*)::int AS n FROM reservations.processed_messages WHERE message_id = $1', [
            message.eventId,
          ]);
          if (message.valid) {
            expect(['confirmed', 'settled', 'declined', 'ignored']).toContain(outcome.kind);
            expect(changed.every((id) => id === target)).toBe(true);
            if (changed.length > 0) expect(['confirmed', 'settled', 'declined']).toContain(outcome.kind);
            else expect(outcome.kind).toBe('ignored');
            expect(inbox).toBe(1);
            handled.push({ message, value });
          } else {
            expect(outcome.kind).toBe('dead-letter');
            expect(store).toBe('table');
            expect(changed).toEqual([]);
            expect(inbox).toBe(0);
            const kept = await count(
              'SELECT count(*)::int AS n FROM reservations.dead_letters WHERE source_offset = $1 AND reason <> $2',
              [position, ''],
            );
            expect(kept).toBe(1);
          }
          // A redelivery of something handled changes nothing.
          const again = handled.at(-1);
          if (repeat && again) {
            const beforeAgain = await snapshot();
            const redelivered = await processPaymentMessage(
              test.service.deps,
              sink,
              {
                topic: TOPICS.paymentProcessed,
                partition: 0,
                message: { key: null, value: again.value, headers: again.message.headers, offset: String(++offset) },
              },
              { attempts: 2, backoffMs: 10 },
            );
            expect(redelivered.outcome.kind).toBe('duplicate');
            expect(await snapshot()).toEqual(beforeAgain);
          }
        }
      }),
      { seed: 20261125, numRuns: 25 },
    );
  }, 180_000);
});
