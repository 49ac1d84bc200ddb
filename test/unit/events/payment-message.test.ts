import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readPaymentMessage } from '../../../src/events/payment-message.js';

/** The first gate of the payment consumer: CloudEvents headers against the contract, then the value. */

const RESERVATION = '019ab5c4-0000-7000-8000-000000000001';
const valid = {
  paymentId: 'pay_1',
  reservationId: RESERVATION,
  kind: 'DEPOSIT',
  status: 'SUCCEEDED',
  amountCents: 15000,
  currency: 'EUR',
  processedAt: '2026-11-25T10:00:00.000Z',
};
const headers = {
  ce_id: 'evt-1',
  ce_type: 'payment.processed',
  ce_source: 'urn:novatrek:support:svc-payments',
  ce_specversion: '1.0',
  'content-type': 'application/json',
};
const read = (h: Record<string, unknown>, value: unknown = valid) =>
  readPaymentMessage({
    headers: h as never,
    value: Buffer.isBuffer(value) ? value : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
  });

describe('reading a payment.processed message', () => {
  it('accepts the contract, with or without charset=utf-8', () => {
    expect(read(headers)).toMatchObject({ ok: true, message: { eventId: 'evt-1', key: { id: RESERVATION } } });
    expect(read({ ...headers, 'content-type': 'Application/JSON; charset=UTF-8' }).ok).toBe(true);
  });

  it.each([
    ['another event type on the topic', { ce_type: 'payment.refunded' }, /ce_type is "payment.refunded"/],
    ['no ce_type', { ce_type: undefined }, /ce_type is missing/],
    ['another CloudEvents version', { ce_specversion: '0.3' }, /ce_specversion is "0.3"/],
    ['no content-type', { 'content-type': undefined }, /content-type is missing/],
    ['structured mode', { 'content-type': 'application/cloudevents+json' }, /content-type is/],
    ['another charset', { 'content-type': 'application/json; charset=latin1' }, /content-type is/],
    ['no ce_source', { ce_source: undefined }, /ce_source is missing/],
    ['no ce_id', { ce_id: undefined }, /ce_id is missing/],
    ['an empty ce_id', { ce_id: '' }, /ce_id is missing or empty/],
    ['a ce_id of 129 characters', { ce_id: 'x'.repeat(129) }, /ce_id is longer/],
    ['a NUL in ce_id', { ce_id: 'a\u0000b' }, /control characters/],
    ['a ce_type given twice', { ce_type: ['payment.processed', 'payment.refunded'] }, /ce_type header is repeated/],
    ['a ce_id that is not UTF-8', { ce_id: Buffer.from([0xff, 0xfe]) }, /ce_id header is not UTF-8/],
  ])('dead-letters %s, however good the payload', (_case, change, reason) => {
    const result = read({ ...headers, ...change });
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toMatch(reason);
  });

  it.each([
    ['invalid JSON', '{ not json', /value is not JSON/],
    ['bytes that are not UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), /value is not JSON/],
    ['a wrong shape', [valid], /does not match payment.processed/],
    ['a wrong type', { ...valid, amountCents: '15000' }, /amountCents/],
    ['a NUL in the payment id', { ...valid, paymentId: 'pay\u0000' }, /paymentId: must not contain control characters/],
    [
      'a reservation id that is not ours (not UUIDv7)',
      { ...valid, reservationId: '6f1c1a52-1111-4111-8111-111111111111' },
      /unknown reservation/,
    ],
  ])('dead-letters %s', (_case, value, reason) => {
    const result = read(headers, value);
    expect(result.ok ? '' : result.reason).toMatch(reason);
  });

  it('answers every message, whatever its bytes, without throwing', () => {
    const header = fc.option(
      fc.oneof(
        fc.string(),
        fc.uint8Array({ maxLength: 20 }).map((bytes) => Buffer.from(bytes)),
      ),
      {
        nil: undefined,
      },
    );
    fc.assert(
      fc.property(
        fc.record({ ce_id: header, ce_type: header, ce_source: header, ce_specversion: header, 'content-type': header }),
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.json().map((json) => new TextEncoder().encode(json)),
        ),
        (h, value) => {
          const result = read(h, Buffer.from(value));
          expect(typeof result.ok).toBe('boolean');
          if (result.ok) expect(h.ce_type?.toString()).toBe('payment.processed');
        },
      ),
      { seed: 20261125, numRuns: 300 },
    );
  });
});
