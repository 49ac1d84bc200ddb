import { describe, expect, it } from 'vitest';
import type { SqlPool } from '../../../src/db/reservation-reads.js';
import type { Db } from '../../../src/db/rows.js';
import type { GraphQLContext } from '../../../src/graphql/context.js';
import { createLoaders } from '../../../src/graphql/loaders.js';
import { Reservation } from '../../../src/graphql/resolvers/entities.js';

/**
 * Participants read in the same statement as their reservation are answered without a promise:
 * graphql-js then completes the reservation synchronously instead of through a promise chain per
 * entity (read 2 resolves 100 of them a batch). Participants not read that way still load.
 */

const KEY = { id: '01969d5e-6a3b-7c1d-8e2f-3a4b5c6d7e8f', reservationDate: '2025-05-01' };
const PARTICIPANT = {
  id: '01969d5e-6a3b-7c1d-8e2f-3a4b5c6d7e90',
  reservationId: KEY.id,
  reservationDate: KEY.reservationDate,
  guestId: null,
  position: 0,
  fullName: 'Ada Lovelace',
  dateOfBirth: null,
  ageCategory: 'ADULT',
  email: null,
  phone: null,
  insurancePlan: null,
  insurancePremiumCents: null,
  insuranceCurrency: null,
  insuranceStatus: null,
};

function poolAnswering(participants: unknown[]): SqlPool & { statements: number } {
  const pool = {
    statements: 0,
    query: async () => {
      pool.statements++;
      return { rows: [{ ...KEY, status: 'PENDING', depositSettledAt: null, participants }] };
    },
  };
  return pool as unknown as SqlPool & { statements: number };
}

type Resolve = (parent: unknown, args: unknown, context: unknown, info: unknown) => unknown;
const participantsOf = (context: Pick<GraphQLContext, 'loaders'>) =>
  (Reservation.participants as Resolve)({ ...KEY }, {}, context, {});

describe('Reservation.participants', () => {
  it('answers participants read with their reservation synchronously, as read', async () => {
    const pool = poolAnswering([PARTICIPANT, { ...PARTICIPANT, id: `${PARTICIPANT.id.slice(0, -1)}1`, position: 1 }]);
    const loaders = createLoaders({} as Db, pool);
    await loaders.reservationWithParticipants.load(KEY);

    const answer = participantsOf({ loaders });
    expect(answer).not.toBeInstanceOf(Promise);
    expect((answer as { fullName: string; position: number }[]).map((p) => [p.position, p.fullName])).toEqual([
      [0, 'Ada Lovelace'],
      [1, 'Ada Lovelace'],
    ]);
    expect(await loaders.participantsOf.load(KEY)).toBe(answer);
    expect(pool.statements).toBe(1);
  });

  it('answers an empty party read with its reservation as an empty list, not by loading', async () => {
    const loaders = createLoaders({} as Db, poolAnswering([]));
    await loaders.reservationWithParticipants.load(KEY);
    expect(participantsOf({ loaders })).toEqual([]);
  });

  it('loads the participants of a reservation read without them', async () => {
    const loaders = createLoaders({} as Db, poolAnswering([]));
    let asked: unknown = null;
    loaders.participantsOf.load = (key) => {
      asked = key;
      return Promise.resolve([]);
    };
    const answer = participantsOf({ loaders });
    expect(answer).toBeInstanceOf(Promise);
    expect(await answer).toEqual([]);
    expect(asked).toEqual(KEY);
  });
});
