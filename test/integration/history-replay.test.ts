import { describe, expect, it } from 'vitest';
import { replayStatus } from '../../src/domain/index.js';
import { CREATE, reservationInput } from '../support/factories.js';
import { useService } from '../support/service.js';

const test = useService();

async function run(name: string, input: Record<string, unknown>, type = 'TransitionInput') {
  const result = await test.graphql(`mutation T($input: ${type}!) { ${name}(input: $input) { rev } }`, { input });
  expect(result.errors).toBeUndefined();
}

describe('the status history is the event log of the status', () => {
  it('replays to the current status of every reservation', async () => {
    const paths: [string, string?][][] = [
      [],
      [['confirmReservation']],
      [['confirmReservation'], ['checkInReservation']],
      [['confirmReservation'], ['checkInReservation'], ['completeReservation']],
      [['cancelReservation', 'CancelReservationInput']],
      [['confirmReservation'], ['cancelReservation', 'CancelReservationInput']],
    ];
    for (const path of paths) {
      const created = await test.graphql<{ createReservation: { id: string } }>(CREATE, { input: reservationInput() });
      const id = created.data?.createReservation.id;
      let rev = 1;
      for (const [name, type] of path) {
        await run(name, { id, expectedRev: rev, ...(type ? { reason: 'test' } : {}) }, type);
        rev++;
      }
      // a non-status change in between keeps the replay honest about revisions
      await run('modifyReservation', { id, expectedRev: rev, notes: 'after' }, 'ModifyReservationInput').catch(() => {});
    }

    const reservations = await test.db.pool.query<{ id: string; status: string }>(
      'SELECT id, status FROM reservations.reservations',
    );
    const history = await test.db.pool.query<{ reservation_id: string; from_status: string | null; to_status: string }>(
      'SELECT reservation_id, from_status, to_status FROM reservations.status_history ORDER BY reservation_id, rev',
    );
    expect(reservations.rows.length).toBe(paths.length);
    for (const reservation of reservations.rows) {
      const rows = history.rows
        .filter((row) => row.reservation_id === reservation.id)
        .map((row) => ({ from: row.from_status, to: row.to_status }));
      expect(replayStatus(rows as never)).toBe(reservation.status);
    }
  });
});
