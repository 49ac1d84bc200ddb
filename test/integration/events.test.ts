import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { EVENT_SCHEMAS, jsonSchemaOf, TOPICS } from '../../src/events/contracts.js';
import { eventValidator } from '../support/event-schemas.js';
import { CREATE, reservationInput } from '../support/factories.js';
import { readTopics, unpublishedEvents } from '../support/kafka-read.js';
import { useService } from '../support/service.js';

const brokers = inject('kafkaBrokers');
const test = useService({ KAFKA_BROKERS: brokers, OUTBOX_POLL_INTERVAL_MS: '200', PAYMENT_CONSUMER_ENABLED: 'false' });

async function createAndConfirm(): Promise<string> {
  const created = await test.graphql<{ createReservation: { id: string } }>(CREATE, { input: reservationInput() });
  const id = created.data?.createReservation.id ?? '';
  const confirmed = await test.graphql(`mutation C($input: TransitionInput!) { confirmReservation(input: $input) { rev } }`, {
    input: { id, expectedRev: 1, reason: 'partner confirmation' },
  });
  expect(confirmed.errors).toBeUndefined();
  return id;
}

describe('events through the transactional outbox', () => {
  it('publishes status_changed for creation and confirmation, and created on confirmation, keyed by reservation id', async () => {
    const id = await createAndConfirm();
    const mine = await readTopics(
      brokers,
      [TOPICS.reservationStatusChanged, TOPICS.reservationCreated],
      (messages) => messages.filter((m) => m.key === id).length >= 3,
    );
    const events = mine.filter((message) => message.key === id);
    const statusChanges = events.filter((m) => m.topic === TOPICS.reservationStatusChanged);
    const created = events.filter((m) => m.topic === TOPICS.reservationCreated);

    expect(statusChanges.map((m) => [(m.value as { from: string | null }).from, (m.value as { to: string }).to])).toEqual([
      [null, 'PENDING'],
      ['PENDING', 'CONFIRMED'],
    ]);
    expect(created).toHaveLength(1);
    expect(created[0]?.value).toMatchObject({ reservationId: id, status: 'CONFIRMED', rev: 2 });
    expect(statusChanges[1]?.value).toMatchObject({ rev: 2, reason: 'partner confirmation', actor: 'staff:test-staff' });
  });

  it('sends CloudEvents binary-mode headers and payloads that validate against the JSON Schemas in docs/events', async () => {
    const id = await createAndConfirm();
    const events = (
      await readTopics(
        brokers,
        [TOPICS.reservationStatusChanged, TOPICS.reservationCreated],
        (ms) => ms.filter((m) => m.key === id).length >= 3,
      )
    ).filter((m) => m.key === id);
    expect(events).toHaveLength(3);
    const validators = {
      'reservation.created': eventValidator('reservation.created'),
      'reservation.status_changed': eventValidator('reservation.status_changed'),
    };
    const ids = new Set<string>();
    for (const event of events) {
      const type = event.headers.ce_type as keyof typeof validators;
      expect(event.headers).toMatchObject({
        ce_specversion: '1.0',
        ce_source: 'urn:novatrek:booking:svc-reservations',
        ce_subject: id,
        'content-type': 'application/json',
      });
      expect(event.headers.ce_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(Number.isNaN(Date.parse(event.headers.ce_time ?? ''))).toBe(false);
      expect(Object.keys(validators)).toContain(type);
      expect(validators[type](event.value)).toEqual([]);
      ids.add(event.headers.ce_id ?? '');
    }
    expect(ids.size).toBe(3);
  });

  it('keeps docs/events in step with the schemas in the code', () => {
    for (const name of Object.keys(EVENT_SCHEMAS) as (keyof typeof EVENT_SCHEMAS)[]) {
      const file = JSON.parse(readFileSync(new URL(`../../docs/events/${name}.schema.json`, import.meta.url), 'utf8'));
      expect(file, `run npm run events:schemas (${name})`).toEqual(jsonSchemaOf(name));
    }
  });

  it('marks what it published and leaves nothing behind in the outbox', async () => {
    const id = await createAndConfirm();
    await readTopics(brokers, [TOPICS.reservationCreated], (ms) => ms.some((m) => m.key === id));
    await expect.poll(() => unpublishedEvents(test.db.pool, id)).toBe(0);
  });
});
