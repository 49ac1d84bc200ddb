import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { DeadLetterReplay } from '../../src/events/dlq-replay.js';
import { PaymentProcessedConsumer } from '../../src/events/payment-consumer.js';
import { createLogger } from '../../src/observability/logger.js';
import { CREATE, reservationInput } from '../support/factories.js';
import { ensureTopics, readTopics, testKafka } from '../support/kafka-read.js';
import { useService } from '../support/service.js';

/**
 * The runbook's dead-letter replay against the real broker, with a consumer on topics of this
 * test alone: "wait until the reservation exists, then replay; what still fails returns".
 */
const brokers = inject('kafkaBrokers');
const test = useService({ PAYMENT_CONSUMER_ENABLED: 'false' });
const logger = createLogger('silent');
const kafka = testKafka(brokers);
const suffix = randomUUID().slice(0, 8);
const original = `test.payment.processed.${suffix}`;
const deadLetters = `${original}.dlq`;
let consumer: PaymentProcessedConsumer | null = null;
afterAll(() => consumer?.stop());

const headers = (eventId: string) => ({
  ce_id: eventId,
  ce_type: 'payment.processed',
  ce_source: 'urn:novatrek:support:svc-payments',
  ce_specversion: '1.0',
  'content-type': 'application/json',
});

async function status(id: string): Promise<string | undefined> {
  const { rows } = await test.db.pool.query('SELECT status FROM reservations.reservations WHERE id = $1', [id]);
  return rows[0]?.status;
}

/** The reservation "does not exist yet": its rows are moved aside, and back. */
async function hide(id: string): Promise<() => Promise<void>> {
  const tables = ['reservations', 'participants', 'status_history'];
  const key = (table: string) => (table === 'reservations' ? 'id' : 'reservation_id');
  for (const table of tables)
    await test.db.pool.query(
      `CREATE TABLE public.held_${table} AS SELECT * FROM reservations.${table} WHERE ${key(table)} = $1`,
      [id],
    );
  await test.db.pool.query('DELETE FROM reservations.reservations WHERE id = $1', [id]);
  return async () => {
    for (const table of tables) await test.db.pool.query(`INSERT INTO reservations.${table} SELECT * FROM public.held_${table}`);
  };
}

describe('dead-letter replay', () => {
  it('handles a letter whose reservation exists now, returns one that still fails, once each, and ends', async () => {
    await ensureTopics(kafka, [original, deadLetters]);
    consumer = new PaymentProcessedConsumer(kafka, test.service.deps, logger, {
      groupId: `consumer-${suffix}`,
      topic: original,
      deadLetterTopic: deadLetters,
    });
    consumer.start();

    const created = await test.graphql<{ createReservation: { id: string } }>(CREATE, { input: reservationInput() });
    const id = created.data?.createReservation.id as string;
    const restore = await hide(id);
    const early = randomUUID();
    const broken = randomUUID();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: original,
      messages: [
        {
          key: id,
          value: JSON.stringify({
            paymentId: 'pay_early',
            reservationId: id,
            kind: 'DEPOSIT',
            status: 'SUCCEEDED',
            amountCents: 15000,
            currency: 'EUR',
            processedAt: new Date().toISOString(),
          }),
          headers: headers(early),
        },
        { key: 'x', value: '{ not json', headers: headers(broken) },
      ],
    });
    await producer.disconnect();
    const dead = await readTopics(brokers, [deadLetters], (ms) => ms.length >= 2);
    expect(dead.map((m) => [m.headers.ce_id, m.headers.dlq_reason]).sort()).toEqual(
      [
        [early, `unknown reservation ${id}`],
        [broken, 'value is not JSON'],
      ].sort(),
    );
    // Dead-lettered, not handled: nothing in the inbox that would make the replay a duplicate.
    const inbox = await test.db.pool.query(
      'SELECT count(*)::int AS n FROM reservations.processed_messages WHERE message_id = $1',
      [early],
    );
    expect(inbox.rows[0].n).toBe(0);

    await restore();
    const options = { topic: original, deadLetterTopic: deadLetters, groupId: `replay-${suffix}`, idleMs: 5_000 };
    const listed = await new DeadLetterReplay(kafka, test.service.deps, logger, { ...options, dryRun: true }).run();
    expect(listed.map((letter) => [letter.ceId, letter.result]).sort()).toEqual(
      [
        [early, 'listed'],
        [broken, 'listed'],
      ].sort(),
    );
    expect(await status(id)).toBe('PENDING');

    const replayed = await new DeadLetterReplay(kafka, test.service.deps, logger, options).run();
    expect(replayed.map((letter) => [letter.ceId, letter.result, letter.detail]).sort()).toEqual(
      [
        [early, 'handled', 'confirmed'],
        [broken, 'returned', 'value is not JSON (kept in the topic)'],
      ].sort(),
    );
    expect(await status(id)).toBe('CONFIRMED');

    // The letter that failed again is on the topic once more, for a later run; this one ended.
    const after = await readTopics(brokers, [deadLetters], (ms) => ms.length >= 3);
    expect(after.filter((m) => m.headers.ce_id === broken)).toHaveLength(2);
    const next = await new DeadLetterReplay(kafka, test.service.deps, logger, options).run();
    expect(next.map((letter) => [letter.ceId, letter.result])).toEqual([[broken, 'returned']]);
  }, 120_000);

  it('replays rows of the dead_letters table once each', async () => {
    const eventId = randomUUID();
    const { storeDeadLetter } = await import('../../src/db/dead-letter-repository.js');
    await storeDeadLetter(test.service.prisma, {
      sourceTopic: original,
      sourcePartition: 0,
      sourceOffset: '7',
      key: null,
      value: Buffer.from('\u0000 not json'),
      headers: Object.entries(headers(eventId)).map(([name, value]) => [name, Buffer.from(value)]),
      ceId: eventId,
      reason: 'value is not JSON',
    });
    // Another consumer's letter (guest.erased) in the same table: not this replay's to handle.
    const otherEventId = randomUUID();
    await storeDeadLetter(test.service.prisma, {
      sourceTopic: 'novatrek.guest.profile.erased',
      sourcePartition: 0,
      sourceOffset: '3',
      key: null,
      value: Buffer.from('{"guestId":"not a uuid"}'),
      headers: [['ce_id', Buffer.from(otherEventId)]],
      ceId: otherEventId,
      reason: 'payload does not match guest.erased',
    });
    const options = { topic: original, deadLetterTopic: deadLetters, groupId: `replay-table-${suffix}`, idleMs: 2_000 };
    const first = await new DeadLetterReplay(kafka, test.service.deps, logger, options).run();
    expect(first.filter((letter) => letter.from === 'table').map((letter) => [letter.ceId, letter.result])).toEqual([
      [eventId, 'returned'],
    ]);
    const { rows } = await test.db.pool.query('SELECT replay_outcome FROM reservations.dead_letters WHERE ce_id = $1', [eventId]);
    expect(rows.map((row) => row.replay_outcome)).toEqual(['returned: value is not JSON (kept in the topic)']);
    const other = await test.db.pool.query('SELECT replayed_at FROM reservations.dead_letters WHERE ce_id = $1', [otherEventId]);
    expect(other.rows).toEqual([{ replayed_at: null }]);
  }, 60_000);
});
