import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { TOPICS } from '../../src/events/contracts.js';
import { guestErasedMessage } from '../../stubs/guest-erased.js';
import { CREATE, participantInput, reservationInput } from '../support/factories.js';
import { readTopics, testKafka } from '../support/kafka-read.js';
import { findStrings } from '../support/personal-data.js';
import { useService } from '../support/service.js';

/**
 * `guest.erased` from guest profiles erases like the staff mutation, once per `ce_id`, with the
 * payment consumer's CloudEvents checks and dead letters; every erasure leaves on Kafka as
 * `reservation.personal-data-erased`.
 */
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

async function book(guestId: string, name: string, email: string): Promise<{ id: string; rev: number }> {
  const result = await test.graphql<{ createReservation: { id: string; rev: number } }>(CREATE, {
    input: reservationInput({
      guestId,
      contact: { email, phone: null },
      participants: [participantInput({ fullName: name, guestId })],
    }),
  });
  if (!result.data?.createReservation) throw new Error(JSON.stringify(result.errors));
  return result.data.createReservation;
}

async function contactOf(id: string): Promise<{ contact_email: string; notes: string | null; _rev: number }> {
  const { rows } = await test.service.pool.query<{ contact_email: string; notes: string | null; _rev: number }>(
    'SELECT contact_email, notes, _rev FROM reservations.reservations WHERE id = $1',
    [id],
  );
  if (!rows[0]) throw new Error(`no reservation ${id}`);
  return rows[0];
}

const erased = (id: string) =>
  vi.waitFor(async () => expect((await contactOf(id)).contact_email).toBe('erased'), { timeout: 60_000, interval: 200 });

const send = (message: ReturnType<typeof guestErasedMessage>) =>
  producer.send({ topic: TOPICS.guestErased, messages: [message] });

describe('guest.erased', () => {
  const guest = randomUUID();
  const eventId = randomUUID();
  let reservation: { id: string; rev: number };

  it("erases the guest's personal data and announces it on Kafka", async () => {
    reservation = await book(guest, 'Ottilie Eventerase', 'ottilie.eventerase@example.org');
    await send(guestErasedMessage(guest, eventId));
    await erased(reservation.id);
    expect(await findStrings(test.service.pool, ['Ottilie Eventerase', 'ottilie.eventerase@example.org'])).toEqual([]);
    const { rows } = await test.service.pool.query('SELECT outcome FROM reservations.processed_messages WHERE message_id = $1', [
      eventId,
    ]);
    expect(rows).toEqual([{ outcome: 'erased' }]);
    const erasure = await test.service.pool.query<{ actor: string }>(
      'SELECT actor FROM reservations.personal_data_erasures WHERE reservation_id = $1',
      [reservation.id],
    );
    expect(erasure.rows).toEqual([{ actor: 'service:urn:novatrek:guest:svc-guest-profiles' }]);

    const announced = await readTopics(brokers, [TOPICS.reservationPersonalDataErased], (ms) =>
      ms.some((m) => m.key === reservation.id),
    );
    const message = announced.find((m) => m.key === reservation.id);
    expect(message?.headers.ce_type).toBe('reservation.personal-data-erased');
    expect(message?.value).toMatchObject({ reservationId: reservation.id, guestId: guest, scope: 'reservation' });
  });

  it('handles a redelivered event id once: data entered since is not erased again', async () => {
    const { _rev } = await contactOf(reservation.id);
    const modified = await test.graphql(
      `mutation($input: ModifyReservationInput!) { modifyReservation(input: $input) { rev } }`,
      { input: { id: reservation.id, expectedRev: _rev, notes: 'Added after the erasure' } },
    );
    expect(modified.errors).toBeUndefined();
    await send(guestErasedMessage(guest, eventId));
    // A later event for another guest shows the consumer went past the redelivery.
    const marker = randomUUID();
    const markerReservation = await book(marker, 'Marker Person', 'marker.person@example.org');
    await send(guestErasedMessage(marker));
    await erased(markerReservation.id);
    expect((await contactOf(reservation.id)).notes).toBe('Added after the erasure');
  });

  it('dead-letters a message that is not the contract, and goes on', async () => {
    const wrongType = guestErasedMessage(randomUUID());
    wrongType.headers.ce_type = 'guest.updated';
    const malformed = { ...guestErasedMessage(randomUUID()), value: JSON.stringify({ guestId: 'nope' }) };
    await send(wrongType);
    await send(malformed);
    const dead = await readTopics(brokers, [TOPICS.guestErasedDeadLetter], (ms) =>
      [wrongType, malformed].every((sent) => ms.some((m) => m.headers.ce_id === sent.headers.ce_id)),
    );
    const reasons = Object.fromEntries(dead.map((m) => [m.headers.ce_id, m.headers.dlq_reason]));
    expect(reasons[wrongType.headers.ce_id as string]).toContain('ce_type is "guest.updated", expected "guest.erased"');
    expect(reasons[malformed.headers.ce_id as string]).toContain('payload does not match guest.erased');

    const after = randomUUID();
    const booked = await book(after, 'After Deadletter', 'after.deadletter@example.org');
    await send(guestErasedMessage(after));
    await erased(booked.id);
  });
});
