import { describe, expect, it } from 'vitest';
import { CREATE, reservationInput } from '../support/factories.js';
import { useService } from '../support/service.js';

const test = useService({ DATABASE_POOL_MAX: '20' });

describe('optimistic locking under concurrency', () => {
  it('lets exactly one of 50 simultaneous updates holding the same revision win', async () => {
    const created = await test.graphql<{ createReservation: { id: string; rev: number } }>(CREATE, { input: reservationInput() });
    const id = created.data?.createReservation.id;
    expect(id).toBeDefined();

    const attempts = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        test.graphql<{ modifyReservation: { rev: number; notes: string } }>(
          `mutation M($input: ModifyReservationInput!) { modifyReservation(input: $input) { rev notes } }`,
          { input: { id, expectedRev: 1, notes: `writer ${index}` } },
        ),
      ),
    );

    const winners = attempts.filter((attempt) => attempt.data?.modifyReservation);
    const stale = attempts.filter((attempt) => attempt.errors?.[0]?.extensions?.code === 'STALE_REVISION');
    expect(winners).toHaveLength(1);
    expect(stale).toHaveLength(49);
    for (const attempt of stale) expect(attempt.errors?.[0]?.extensions?.currentRev).toBe(2);

    const { rows } = await test.db.pool.query('SELECT _rev, notes FROM reservations.reservations WHERE id = $1', [id]);
    expect(rows[0]._rev).toBe(2);
    expect(rows[0].notes).toBe(winners[0]?.data?.modifyReservation.notes);
  });

  it('lets exactly one of 20 simultaneous transitions win and writes one history row', async () => {
    const created = await test.graphql<{ createReservation: { id: string } }>(CREATE, { input: reservationInput() });
    const id = created.data?.createReservation.id;
    const attempts = await Promise.all(
      Array.from({ length: 20 }, () =>
        test.graphql(`mutation C($input: TransitionInput!) { confirmReservation(input: $input) { rev } }`, {
          input: { id, expectedRev: 1 },
        }),
      ),
    );
    expect(attempts.filter((attempt) => attempt.errors === undefined)).toHaveLength(1);
    const { rows } = await test.db.pool.query(
      `SELECT count(*)::int AS n FROM reservations.status_history WHERE reservation_id = $1 AND to_status = 'CONFIRMED'`,
      [id],
    );
    expect(rows[0].n).toBe(1);
  });
});
