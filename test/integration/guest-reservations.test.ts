import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { CREATE, daysFromToday, reservationInput } from '../support/factories.js';
import { useService } from '../support/service.js';

const test = useService();
const guestId = randomUUID();
const tripDates = [10, 40, 25, 70, 55].map(daysFromToday);

const PAGE = `query Page($guest: ID!, $filter: GuestReservationsFilter, $first: Int, $after: String) {
  _entities(representations: [{ __typename: "Guest", id: $guest }]) {
    ... on Guest { reservations(filter: $filter, first: $first, after: $after) {
      edges { cursor node { id tripDate status } }
      pageInfo { hasNextPage endCursor }
    } }
  }
}`;

interface Page {
  edges: { cursor: string; node: { id: string; tripDate: string; status: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

async function page(variables: Record<string, unknown>): Promise<Page> {
  const result = await test.graphql<{ _entities: { reservations: Page }[] }>(PAGE, { guest: guestId, ...variables });
  expect(result.errors).toBeUndefined();
  const reservations = result.data?._entities[0]?.reservations;
  if (!reservations) throw new Error('no page');
  return reservations;
}

describe("a guest's reservations", () => {
  beforeAll(async () => {
    for (const tripDate of tripDates) {
      const created = await test.graphql<{ createReservation: { id: string } }>(CREATE, {
        input: reservationInput({ guestId, tripDate }),
      });
      if (tripDate === daysFromToday(25)) {
        await test.graphql(`mutation C($input: CancelReservationInput!) { cancelReservation(input: $input) { rev } }`, {
          input: { id: created.data?.createReservation.id, expectedRev: 1, reason: 'test' },
        });
      }
    }
    // Someone else's booking must never show up.
    await test.graphql(CREATE, { input: reservationInput() });
  });

  it('come newest trip date first, page by page, without gaps or repeats', async () => {
    const first = await page({ first: 2 });
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await page({ first: 2, after: first.pageInfo.endCursor });
    const third = await page({ first: 2, after: second.pageInfo.endCursor });
    expect(third.pageInfo.hasNextPage).toBe(false);
    const dates = [...first.edges, ...second.edges, ...third.edges].map((edge) => edge.node.tripDate);
    expect(dates).toEqual([...tripDates].sort().reverse());
  });

  it('filter by status and by trip-date range', async () => {
    const cancelled = await page({ filter: { status: ['CANCELLED'] } });
    expect(cancelled.edges.map((edge) => edge.node.tripDate)).toEqual([daysFromToday(25)]);
    const ranged = await page({ filter: { tripDateFrom: daysFromToday(20), tripDateTo: daysFromToday(60) } });
    expect(ranged.edges.map((edge) => edge.node.tripDate)).toEqual([daysFromToday(55), daysFromToday(40), daysFromToday(25)]);
  });

  it('refuse a page size over 100 and a forged cursor with BAD_USER_INPUT', async () => {
    const big = await test.graphql(PAGE, { guest: guestId, first: 1000 });
    expect(big.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const forged = await test.graphql(PAGE, { guest: guestId, after: 'not-a-cursor' });
    expect(forged.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('are empty for a guest without bookings', async () => {
    const result = await test.graphql<{ _entities: { reservations: Page }[] }>(PAGE, { guest: randomUUID() });
    expect(result.data?._entities[0]?.reservations).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });
});

describe('searching reservations', () => {
  it('finds them by guest and requires a guest, trip or partner to search by', async () => {
    const found = await test.graphql<{ reservations: Page }>(
      `query S($filter: ReservationSearchFilter!) { reservations(filter: $filter, first: 10) { edges { cursor node { id tripDate status } } pageInfo { hasNextPage endCursor } } }`,
      { filter: { guestId } },
    );
    expect(found.data?.reservations.edges).toHaveLength(tripDates.length);
    const unbounded = await test.graphql(`query { reservations(filter: { status: [PENDING] }) { edges { cursor } } }`);
    expect(unbounded.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter' });
  });
});
