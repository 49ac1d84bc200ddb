import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CREATE, reservationInput } from '../support/factories.js';
import { useService } from '../support/service.js';

const test = useService();

/** Counts the statements the service sends through its pool (Prisma's adapter uses pool.query). */
function countStatements(): { count: () => number; restore: () => void } {
  const pool = test.service.pool;
  const original = pool.query.bind(pool);
  let statements = 0;
  pool.query = ((...args: Parameters<typeof original>) => {
    statements++;
    return original(...args);
  }) as typeof pool.query;
  return { count: () => statements, restore: () => (pool.query = original) };
}

const ENTITIES = `query E($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Reservation { id confirmationCode status participants { id fullName } }
    ... on Participant { id fullName reservation { id } }
    ... on Guest { id reservations(first: 5) { edges { node { id } } } }
  }
}`;

interface Created {
  id: string;
  confirmationCode: string;
  guest: { id: string };
  participants: { id: string }[];
}

describe('federation entity resolution', () => {
  const created: Created[] = [];
  let counter: ReturnType<typeof countStatements> | null = null;

  beforeAll(async () => {
    for (let index = 0; index < 12; index++) {
      const result = await test.graphql<{ createReservation: Created }>(CREATE, { input: reservationInput() });
      if (result.data) created.push(result.data.createReservation);
    }
    expect(created).toHaveLength(12);
  });
  afterEach(() => counter?.restore());

  it('returns entities in the order asked and null for unknown or malformed keys', async () => {
    const unknown = randomUUID();
    const result = await test.graphql<{ _entities: ({ id: string } | null)[] }>(ENTITIES, {
      representations: [
        { __typename: 'Reservation', id: created[3]?.id },
        { __typename: 'Reservation', id: unknown },
        { __typename: 'Reservation', id: 'garbage' },
        { __typename: 'Reservation', confirmationCode: created[1]?.confirmationCode },
        { __typename: 'Reservation', id: created[0]?.id },
      ],
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities.map((entity) => entity?.id ?? null)).toEqual([
      created[3]?.id,
      null,
      null,
      created[1]?.id,
      created[0]?.id,
    ]);
  });

  it('resolves any number of Reservation, Participant and Guest keys with one statement per kind of data', async () => {
    const few = await runCounted(created.slice(0, 2));
    const many = await runCounted(created);
    // reservations by id, participants of those, participants by id, their reservations (cached),
    // guests' pages: a constant, whatever the number of representations.
    expect(many).toBe(few);
    expect(many).toBeLessThanOrEqual(5);
  });

  async function runCounted(reservations: Created[]): Promise<number> {
    const representations = [
      ...reservations.map((reservation) => ({ __typename: 'Reservation', id: reservation.id })),
      ...reservations.map((reservation) => ({ __typename: 'Participant', id: reservation.participants[0]?.id })),
      ...reservations.map((reservation) => ({ __typename: 'Guest', id: reservation.guest.id })),
    ];
    counter = countStatements();
    const result = await test.graphql<{ _entities: unknown[] }>(ENTITIES, { representations });
    const statements = counter.count();
    counter.restore();
    counter = null;
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toHaveLength(representations.length);
    expect(result.data?._entities.every((entity) => entity !== null)).toBe(true);
    return statements;
  }

  it('keeps the other entities of a batch when one representation is unknown or malformed', async () => {
    const representations = [
      { __typename: 'Reservation', id: created[2]?.id },
      { __typename: 'Nope', id: created[2]?.id },
      { id: created[4]?.id },
      { __typename: 'Reservation' },
      { __typename: 'Reservation', id: true },
      'not an object',
      { __typename: 'Guest', id: 1.5 },
      { __typename: 'Participant', id: created[5]?.participants[0]?.id },
    ];
    const response = await fetch(test.service.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${test.staffToken}` },
      body: JSON.stringify({ query: ENTITIES, variables: { representations } }),
    });
    const result = (await response.json()) as {
      data: { _entities: ({ id: string } | null)[] } | null;
      errors: { path: (string | number)[]; extensions: { code: string; field: string } }[];
    };
    expect(response.status).toBe(200);
    expect(result.data?._entities.map((entity) => entity?.id ?? null)).toEqual([
      created[2]?.id,
      null,
      null,
      null,
      null,
      null,
      null,
      created[5]?.participants[0]?.id,
    ]);
    expect(result.errors.map((error) => [error.path, error.extensions.code, error.extensions.field])).toEqual([
      [['_entities', 1], 'BAD_USER_INPUT', 'representations.1.__typename'],
      [['_entities', 2], 'BAD_USER_INPUT', 'representations.2.__typename'],
      [['_entities', 3], 'BAD_USER_INPUT', 'representations.3'],
      [['_entities', 4], 'BAD_USER_INPUT', 'representations.4'],
      [['_entities', 5], 'BAD_USER_INPUT', 'representations.5'],
      [['_entities', 6], 'BAD_USER_INPUT', 'representations.6'],
    ]);
  });
});
