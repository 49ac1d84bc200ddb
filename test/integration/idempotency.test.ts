import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reservationInput } from '../support/factories.js';
import { useService } from '../support/service.js';

const test = useService();

const CREATE_WITH_KEY = `mutation Create($input: CreateReservationInput!, $key: String) {
  createReservation(input: $input, idempotencyKey: $key) { id confirmationCode rev }
}`;

async function count(): Promise<number> {
  const { rows } = await test.db.pool.query('SELECT count(*)::int AS n FROM reservations.reservations');
  return rows[0].n;
}

describe('createReservation with an idempotency key', () => {
  it('returns the same reservation when retried with the same key and payload', async () => {
    const input = reservationInput();
    const first = await test.graphql<{ createReservation: { id: string } }>(CREATE_WITH_KEY, { input, key: 'retry-key-0001' });
    const before = await count();
    const again = await test.graphql<{ createReservation: { id: string } }>(CREATE_WITH_KEY, { input, key: 'retry-key-0001' });
    expect(again.data?.createReservation.id).toBe(first.data?.createReservation.id);
    expect(await count()).toBe(before);
  });

  it('creates exactly one reservation for ten simultaneous retries', async () => {
    const input = reservationInput();
    const before = await count();
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        test.graphql<{ createReservation: { id: string } }>(CREATE_WITH_KEY, { input, key: 'concurrent-key-01' }),
      ),
    );
    expect(results.every((result) => result.errors === undefined)).toBe(true);
    expect(new Set(results.map((result) => result.data?.createReservation.id)).size).toBe(1);
    expect(await count()).toBe(before + 1);
    const { rows } = await test.db.pool.query(`SELECT count(*)::int AS n FROM reservations.outbox WHERE aggregate_id = $1`, [
      results[0]?.data?.createReservation.id,
    ]);
    expect(rows[0].n).toBe(1);
  });

  it('refuses the same key with a different payload as IDEMPOTENCY_KEY_REUSED and changes nothing', async () => {
    await test.graphql(CREATE_WITH_KEY, { input: reservationInput(), key: 'reused-key-0001' });
    const before = await count();
    const reused = await test.graphql(CREATE_WITH_KEY, { input: reservationInput(), key: 'reused-key-0001' });
    expect(reused.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await count()).toBe(before);
  });

  it('rejects a malformed key', async () => {
    const result = await test.graphql(CREATE_WITH_KEY, { input: reservationInput(), key: 'short' });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'idempotencyKey' });
  });

  it('refuses every hostile key before any lookup or write: NUL, control or non-ASCII characters, spaces, too short, up to 10,000 characters', async () => {
    const printable = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code)) });
    const hostileChar = fc.constantFrom('\u0000', '\u0007', '\n', '\t', ' ', '\u007f', 'é', '\u202e', '😀', '\ud800');
    const hostile = fc.oneof(
      // One bad character inside an otherwise valid key (at either end, the argument checks trim
      // whitespace away first, as from every string: " key-0001" is the key "key-0001").
      fc
        .tuple(
          printable.filter((head) => head.length > 0),
          hostileChar,
          printable.filter((tail) => tail.length > 0),
        )
        .filter(([head, , tail]) => head.length + tail.length >= 8 && head.length + tail.length < 128)
        .map(([head, bad, tail]) => `${head}${bad}${tail}`),
      // Too short, or far too long.
      fc.string({ unit: fc.constant('k'), maxLength: 7 }),
      fc.integer({ min: 129, max: 10_000 }).map((length) => 'k'.repeat(length)),
    );
    const before = await count();
    await fc.assert(
      fc.asyncProperty(hostile, async (key) => {
        const result = await test.graphql(CREATE_WITH_KEY, { input: reservationInput(), key });
        expect(result.data?.createReservation ?? null).toBeNull();
        expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
        expect(JSON.stringify(result.errors)).toContain('idempotencyKey');
      }),
      { numRuns: 60 },
    );
    expect(await count()).toBe(before);
    const { rows } = await test.db.pool.query(
      'SELECT count(*)::int AS n FROM reservations.idempotency_keys WHERE length(key) > 128 OR key ~ $1',
      ['[^!-~]'],
    );
    expect(rows[0].n).toBe(0);
  });
});
