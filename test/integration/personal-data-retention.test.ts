import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CREATE, participantInput, reservationInput } from '../support/factories.js';
import { findStrings } from '../support/personal-data.js';
import { useService } from '../support/service.js';

/** Retention: personal data of trips older than PERSONAL_DATA_RETENTION_MONTHS goes, a batch at a time. */
const test = useService({ PERSONAL_DATA_RETENTION_MONTHS: '36', PERSONAL_DATA_RETENTION_BATCH_SIZE: '1' });

function monthsAgo(months: number, extraDays = 0): string {
  const date = new Date();
  date.setUTCMonth(date.getUTCMonth() - months);
  date.setUTCDate(date.getUTCDate() + extraDays);
  return date.toISOString().slice(0, 10);
}

async function book(name: string): Promise<string> {
  const result = await test.graphql<{ createReservation: { id: string } }>(CREATE, {
    input: reservationInput({
      guestId: randomUUID(),
      contact: { email: `${name.toLowerCase().replace(' ', '.')}@example.org`, phone: '+4930999888' },
      participants: [participantInput({ fullName: name })],
    }),
  });
  if (!result.data?.createReservation) throw new Error(JSON.stringify(result.errors));
  return result.data.createReservation.id;
}

/** Trips cannot be booked in the past: the test moves them there, as time would. */
async function tripOn(id: string, tripDate: string): Promise<void> {
  await test.service.pool.query('UPDATE reservations.reservations SET trip_date = $2 WHERE id = $1', [id, tripDate]);
}

async function metric(name: string, label: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', test.service.url))).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(label));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('personal data retention', () => {
  it('erases reservations whose trip is past the retention, in batches, and leaves younger ones', async () => {
    const old = await book('Olga Oldtrip');
    const older = await book('Otto Oldertrip');
    const young = await book('Yann Youngtrip');
    await tripOn(old, monthsAgo(36, -1));
    await tripOn(older, monthsAgo(60));
    await tripOn(young, monthsAgo(36, 2));

    const report = await test.service.retention.runNow();
    expect(report.reservationIds.sort()).toEqual([old, older].sort());
    expect(report).toMatchObject({ reservationsTouched: 2, participantsTouched: 2, batches: 2 });
    expect(await findStrings(test.service.pool, ['Olga Oldtrip', 'olga.oldtrip', 'Otto Oldertrip', 'otto.oldertrip'])).toEqual(
      [],
    );
    expect(await findStrings(test.service.pool, ['Yann Youngtrip'])).not.toEqual([]);

    const { rows } = await test.service.pool.query<{ actor: string; guest_id: string | null; scope: string }>(
      'SELECT actor, guest_id, scope FROM reservations.personal_data_erasures WHERE reservation_id = $1',
      [old],
    );
    expect(rows).toEqual([{ actor: 'system:retention', guest_id: null, scope: 'reservation' }]);
    expect(await metric('reservations_personal_data_erasures_total', 'trigger="retention"')).toBe(2);
    expect(await metric('reservations_personal_data_retention_last_run_timestamp_seconds', '')).toBeGreaterThan(0);
  });

  it('finds nothing left on the next run', async () => {
    const report = await test.service.retention.runNow();
    expect(report).toMatchObject({ reservationsTouched: 0, batches: 0 });
  });
});
