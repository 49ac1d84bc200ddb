import { describe, expect, it } from 'vitest';
import { reservationCreatedEvent, statusChangedEvent } from '../../../src/app/outbox-entries.js';
import type { ReservationView } from '../../../src/app/views.js';
import { cloudEventHeaders } from '../../../src/events/kafka.js';
import { seededRandom } from '../domain/factories.js';

/** ce_time is the instant of the change, the payload's changedAt, not when the outbox row was written. */
const reservation = {
  id: '019ab5c4-0000-7000-8000-000000000001',
  confirmationCode: 'NT-ABC123',
  guestId: '0190a6e2-7c3b-7d4e-8f10-1234567890ab',
  tripId: '0190a6e2-7c3b-7d4e-9f10-abcdefabcdef',
  tripDate: '2026-12-01',
  reservationDate: '2026-11-25',
  partySize: 1,
  partnerId: null,
  partnerReference: null,
  status: 'CONFIRMED',
  rev: 2,
} as unknown as ReservationView;

describe('the time of an event', () => {
  it('is the same instant in ce_time and in the payload, whatever time the relay is given', () => {
    const context = { now: new Date('2026-11-25T10:00:00.123Z'), random: seededRandom(1) };
    const changed = statusChangedEvent(context, reservation, { from: 'PENDING', to: 'CONFIRMED', reason: null, actor: 'x' });
    const created = reservationCreatedEvent(context, reservation, []);
    // The relay's `time` is the row's created_at: the transaction's start, up to a second earlier.
    const transactionStart = new Date('2026-11-25T09:59:59.200Z');
    for (const [entry, field] of [
      [changed, 'changedAt'],
      [created, 'confirmedAt'],
    ] as const) {
      const headers = cloudEventHeaders({
        id: entry.id,
        type: entry.type,
        topic: entry.destination,
        key: entry.aggregateId,
        payload: entry.payload,
        time: transactionStart,
        headers: entry.headers,
      });
      expect(headers.ce_time).toBe(entry.payload[field]);
      expect(headers.ce_time).toBe('2026-11-25T10:00:00.123Z');
    }
  });
});
