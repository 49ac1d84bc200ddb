import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { daysFromToday, participantInput, reservationInput } from '../support/factories.js';
import { useSupergraph } from '../support/gateway.js';

/**
 * Through a real gateway (Hive Gateway, gateway/runtime.ts) in front of svc-reservations and the
 * guest-profiles and trip-catalog subgraphs: the client journeys of the supergraph, the inbound uses
 * of the booking domain, and every access rule, each tried by someone who should not get through —
 * and, counted at the subgraphs, a refusal at the gateway reaches none of them.
 */
const sg = useSupergraph();
const staff = () => sg.service.staffToken;
const sign = (role: string, subject: string, extra: Record<string, unknown> = {}) => sg.service.tokens.sign(role, subject, extra);

const CREATE = `mutation Create($input: CreateReservationInput!, $key: String) {
  createReservation(input: $input, idempotencyKey: $key) { id confirmationCode status rev }
}`;
const TRANSITION = (name: string) => `mutation T($input: TransitionInput!) { ${name}(input: $input) { id status rev } }`;

/** Runs `attempt` and asserts that no request reached any subgraph meanwhile. */
async function reachingNoSubgraph<T>(attempt: () => Promise<T>): Promise<T> {
  const before = sg.subgraphRequests();
  const result = await attempt();
  expect(sg.subgraphRequests(), 'requests that reached a subgraph').toBe(before);
  return result;
}

async function book(
  token: string,
  input: Record<string, unknown>,
): Promise<{ id: string; confirmationCode: string; rev: number }> {
  const result = await sg.request<{ createReservation: { id: string; confirmationCode: string; rev: number } }>(
    { query: CREATE, variables: { input } },
    token,
  );
  expect(result.body.errors).toBeUndefined();
  return result.body.data?.createReservation as { id: string; confirmationCode: string; rev: number };
}

async function transition(token: string, name: string, id: string, rev: number): Promise<number> {
  const result = await sg.request<Record<string, { rev: number }>>(
    { query: TRANSITION(name), variables: { input: { id, expectedRev: rev } } },
    token,
  );
  expect(result.body.errors, name).toBeUndefined();
  return result.body.data?.[name]?.rev as number;
}

describe('a client journey across the supergraph', () => {
  it('starts at a Guest and reaches reservations { participants trip { name } }', async () => {
    const guestId = randomUUID();
    const tripId = randomUUID();
    const guest = await sign('guest', 'ada', { guest_id: guestId });
    const booked = await book(
      guest,
      reservationInput({ guestId, tripId, participants: [participantInput({ fullName: 'Ada Lovelace' })] }),
    );

    const result = await sg.request<{
      guest: {
        name: string;
        reservations: {
          edges: { node: { id: string; participants: { fullName: string }[]; trip: { id: string; name: string } } }[];
        };
      };
    }>(
      {
        query: `query($id: ID!) { guest(id: $id) { name reservations(first: 5) { edges { node {
          id participants { fullName } trip { id name }
        } } } } }`,
        variables: { id: guestId },
      },
      guest,
    );
    expect(result.body.errors).toBeUndefined();
    const node = result.body.data?.guest.reservations.edges[0]?.node;
    expect(result.body.data?.guest.name).toBe(`Guest ${guestId.slice(0, 8)}`);
    expect(node).toEqual({
      id: booked.id,
      participants: [{ fullName: 'Ada Lovelace' }],
      trip: { id: tripId, name: `Trip ${tripId.slice(0, 8)}` },
    });
  });
});

describe('the inbound uses of the booking domain', () => {
  const guestId = randomUUID();
  let reservation: { id: string; confirmationCode: string; rev: number };
  let service: string;

  beforeAll(async () => {
    service = await sign('service', 'svc-check-in');
    reservation = await book(staff(), reservationInput({ guestId, tripDate: daysFromToday(20) }));
    reservation.rev = await transition(staff(), 'confirmReservation', reservation.id, reservation.rev);
  });

  it('check-in: the reservation exists by confirmation code, and is checked in', async () => {
    const found = await sg.request<{ reservation: { id: string; status: string; partySize: number } }>(
      {
        query: 'query($code: String!) { reservation(confirmationCode: $code) { id status partySize } }',
        variables: { code: reservation.confirmationCode },
      },
      service,
    );
    expect(found.body.data?.reservation).toEqual({ id: reservation.id, status: 'CONFIRMED', partySize: 2 });
    reservation.rev = await transition(service, 'checkInReservation', reservation.id, reservation.rev);
  });

  it('transport: the booking details of the trip', async () => {
    const transport = await sign('service', 'svc-transport');
    const details = await sg.request<{ reservation: Record<string, unknown> }>(
      {
        query: `query($id: ID!) { reservation(id: $id) { tripDate partySize contact { phone } participants { fullName ageCategory } trip { name } } }`,
        variables: { id: reservation.id },
      },
      transport,
    );
    expect(details.body.errors).toBeUndefined();
    expect(details.body.data?.reservation).toMatchObject({
      tripDate: daysFromToday(20),
      partySize: 2,
      contact: { phone: '+4930123456' },
      participants: [{ fullName: 'Ada Lovelace' }, { fullName: 'Charles Babbage' }],
    });
  });

  it('reviews and loyalty: the booking exists and is COMPLETED; the guest’s completed bookings', async () => {
    const reviews = await sign('service', 'svc-reviews');
    const before = await sg.request<{ reservation: { status: string } }>(
      { query: 'query($id: ID!) { reservation(id: $id) { status } }', variables: { id: reservation.id } },
      reviews,
    );
    expect(before.body.data?.reservation.status).toBe('CHECKED_IN');
    reservation.rev = await transition(service, 'completeReservation', reservation.id, reservation.rev);
    const after = await sg.request<{ reservation: { status: string } }>(
      { query: 'query($id: ID!) { reservation(id: $id) { status } }', variables: { id: reservation.id } },
      reviews,
    );
    expect(after.body.data?.reservation.status).toBe('COMPLETED');

    const loyalty = await sign('service', 'svc-loyalty');
    const completed = await sg.request<{ reservations: { edges: { node: { id: string; tripDate: string } }[] } }>(
      {
        query: `query($guest: ID!) { reservations(filter: { guestId: $guest, status: [COMPLETED] }) { edges { node { id tripDate } } } }`,
        variables: { guest: guestId },
      },
      loyalty,
    );
    expect(completed.body.data?.reservations.edges.map((edge) => edge.node.id)).toEqual([reservation.id]);
  });

  it('guest profiles: the past bookings of a guest, through the Guest entity', async () => {
    const profiles = await sign('service', 'svc-guest-profiles');
    const past = await sg.request<{ guest: { reservations: { edges: { node: { id: string; status: string } }[] } } }>(
      {
        query: `query($id: ID!) { guest(id: $id) { reservations(filter: { status: [COMPLETED, CANCELLED, NO_SHOW] }) { edges { node { id status } } } } }`,
        variables: { id: guestId },
      },
      profiles,
    );
    expect(past.body.data?.guest.reservations.edges).toEqual([{ node: { id: reservation.id, status: 'COMPLETED' } }]);
  });
});

describe('access through the gateway', () => {
  const LOOKUP = 'query($id: ID!) { reservation(id: $id) { id } }';

  it('answers UNAUTHENTICATED without a token or with one that does not verify, reaching no subgraph', async () => {
    for (const token of [null, 'not.a.jwt', await sign('staff', 'x', { aud: 'someone-else' }), await sign('admin', 'x')]) {
      const result = await reachingNoSubgraph(() => sg.request({ query: LOOKUP, variables: { id: randomUUID() } }, token));
      expect(result.status, String(token)).toBe(401);
      expect(result.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('refuses a caller without a token a type-level @authenticated of another subgraph’s field, too', async () => {
    const result = await reachingNoSubgraph(() =>
      sg.request({ query: 'query($id: ID!) { guest(id: $id) { name } }', variables: { id: randomUUID() } }, null),
    );
    expect(result.status).toBe(401);
    expect(result.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('never shows a guest another guest’s reservation, by id, by search or through their Guest', async () => {
    const ada = randomUUID();
    const bob = randomUUID();
    const adaToken = await sign('guest', 'ada', { guest_id: ada });
    const bobToken = await sign('guest', 'bob', { guest_id: bob });
    const adas = await book(adaToken, reservationInput({ guestId: ada }));

    expect(
      (await sg.request<{ reservation: unknown }>({ query: LOOKUP, variables: { id: adas.id } }, adaToken)).body.data
        ?.reservation,
    ).toEqual({ id: adas.id });
    expect(
      (await sg.request<{ reservation: unknown }>({ query: LOOKUP, variables: { id: adas.id } }, bobToken)).body.data
        ?.reservation,
    ).toBeNull();
    const search = await sg.request<{ reservations: { edges: unknown[] } }>(
      { query: 'query($g: ID!) { reservations(filter: { guestId: $g }) { edges { node { id } } } }', variables: { g: ada } },
      bobToken,
    );
    expect(search.body.data?.reservations.edges).toEqual([]);
    const viaGuest = await sg.request<{ guest: { reservations: { edges: unknown[] } } }>(
      { query: 'query($g: ID!) { guest(id: $g) { reservations { edges { node { id } } } } }', variables: { g: ada } },
      bobToken,
    );
    expect(viaGuest.body.data?.guest.reservations.edges).toEqual([]);
    const cancel = await sg.request(
      {
        query: 'mutation($i: CancelReservationInput!) { cancelReservation(input: $i) { status } }',
        variables: { i: { id: adas.id, expectedRev: adas.rev, reason: 'not mine' } },
      },
      bobToken,
    );
    expect(cancel.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses a role a field does not admit at the gateway (@requiresScopes), before any subgraph is asked', async () => {
    const guest = await sign('guest', 'ada', { guest_id: randomUUID() });
    const checkIn = await reachingNoSubgraph(() =>
      sg.request({ query: TRANSITION('checkInReservation'), variables: { input: { id: randomUUID(), expectedRev: 1 } } }, guest),
    );
    expect(checkIn.status).toBe(403);
    expect(checkIn.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', fields: ['Mutation.checkInReservation'] });
    const service = await sign('service', 'svc-transport');
    const booking = await reachingNoSubgraph(() =>
      sg.request({ query: CREATE, variables: { input: reservationInput() } }, service),
    );
    expect(booking.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Field-level scopes of a field deep in the operation count as much as a root field's.
    const byReference = await reachingNoSubgraph(() =>
      sg.request({ query: '{ reservationByPartnerReference(partnerReference: "X") { id } }' }, guest),
    );
    expect(byReference.body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      fields: ['Query.reservationByPartnerReference'],
    });
  });

  it('lets staff see everything', async () => {
    const guest = await sign('guest', 'ada', { guest_id: randomUUID() });
    const booked = await book(guest, reservationInput({ guestId: await decodeGuest(guest) }));
    const seen = await sg.request<{ reservation: unknown }>({ query: LOOKUP, variables: { id: booked.id } }, staff());
    expect(seen.body.data?.reservation).toEqual({ id: booked.id });
  });
});

describe('partners: persisted operations only', () => {
  let acme: string;
  let globex: string;
  beforeAll(async () => {
    acme = await sign('partner', 'acme-api', { partner_id: 'acme' });
    globex = await sign('partner', 'globex-api', { partner_id: 'globex' });
  });

  it('book, retry, look up, confirm and cancel, by operation id', async () => {
    const reference = `ACME-${randomUUID().slice(0, 8)}`;
    const input = reservationInput({ partnerReference: reference });
    const key = `acme-${randomUUID()}`;
    const create = { id: sg.operationId('PartnerCreateReservation'), variables: { input, idempotencyKey: key } };
    const first = await sg.request<{ createReservation: { id: string; rev: number; partnerReference: string } }>(create, acme);
    expect(first.body.errors).toBeUndefined();
    const id = first.body.data?.createReservation.id as string;
    expect(first.body.data?.createReservation.partnerReference).toBe(reference);

    // A retry is the same reservation; the key with another payload is refused.
    const retry = await sg.request<{ createReservation: { id: string } }>(create, acme);
    expect(retry.body.data?.createReservation.id).toBe(id);
    const reused = await sg.request(
      { ...create, variables: { input: { ...input, notes: 'another payload' }, idempotencyKey: key } },
      acme,
    );
    expect(reused.body.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // (partner, partner reference) is unique.
    const again = await sg.request({ ...create, variables: { input, idempotencyKey: `acme-${randomUUID()}` } }, acme);
    expect(again.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.partnerReference' });

    const lookup = { id: sg.operationId('PartnerReservationByReference'), variables: { partnerReference: reference } };
    const found = await sg.request<{ reservationByPartnerReference: { id: string; rev: number } }>(lookup, acme);
    expect(found.body.data?.reservationByPartnerReference.id).toBe(id);
    // Another partner's lookup of the same reference finds nothing.
    expect(
      (await sg.request<{ reservationByPartnerReference: unknown }>(lookup, globex)).body.data?.reservationByPartnerReference,
    ).toBeNull();

    const confirmed = await sg.request<{ confirmReservation: { status: string; rev: number } }>(
      {
        id: sg.operationId('PartnerConfirmReservation'),
        variables: { id, expectedRev: found.body.data?.reservationByPartnerReference.rev },
      },
      acme,
    );
    expect(confirmed.body.data?.confirmReservation.status).toBe('CONFIRMED');
    const otherCancels = await sg.request(
      {
        id: sg.operationId('PartnerCancelReservation'),
        variables: { id, expectedRev: confirmed.body.data?.confirmReservation.rev, reason: 'x' },
      },
      globex,
    );
    expect(otherCancels.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const cancelled = await sg.request<{ cancelReservation: { status: string } }>(
      {
        id: sg.operationId('PartnerCancelReservation'),
        variables: { id, expectedRev: confirmed.body.data?.confirmReservation.rev, reason: 'guest changed plans' },
      },
      acme,
    );
    expect(cancelled.body.data?.cancelReservation.status).toBe('CANCELLED');
  });

  it('refuses any other document from a partner, even one identical to a persisted operation, and unknown ids', async () => {
    const freeForm = await reachingNoSubgraph(() =>
      sg.request({ query: 'query($id: ID!) { reservation(id: $id) { id } }', variables: { id: randomUUID() } }, acme),
    );
    expect(freeForm.status).toBe(403);
    expect(freeForm.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ID_REQUIRED');
    const body = sg.manifest.operations.find((operation) => operation.name === 'PartnerReservationByReference')?.body;
    const copied = await reachingNoSubgraph(() => sg.request({ query: body, variables: { partnerReference: 'X' } }, acme));
    expect(copied.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ID_REQUIRED');
    const unknown = await reachingNoSubgraph(() => sg.request({ id: 'f'.repeat(64), variables: {} }, acme));
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    // An id with a document of the partner's own: the document is what would run, so it is refused.
    const smuggled = await reachingNoSubgraph(() =>
      sg.request({ id: sg.operationId('PartnerReservationByReference'), query: '{ __typename }' }, acme),
    );
    expect(smuggled.status).toBe(403);
    expect(smuggled.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ID_REQUIRED');
  });

  it('lets other callers run the persisted operations by id as well', async () => {
    const before = sg.subgraphRequests();
    const confirm = await sg.request(
      { id: sg.operationId('PartnerConfirmReservation'), variables: { id: randomUUID(), expectedRev: 1 } },
      staff(),
    );
    // Run by the subgraph, which finds no such reservation.
    expect(confirm.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(sg.subgraphRequests()).toBeGreaterThan(before);
  });
});

describe('limits at the gateway', () => {
  const noInternals = (result: { body: unknown }) =>
    expect(JSON.stringify(result.body)).not.toMatch(/stacktrace|node_modules|at .*\.js/);

  it('refuses over-deep and over-aliased operations, saying which limit was hit', async () => {
    const deep = `{ guest(id: "${randomUUID()}") { reservations { edges { node { participants { guest { reservations { edges { node { participants { guest { reservations { edges { node { id } } } } } } } } } } } } } } }`;
    const tooDeep = await reachingNoSubgraph(() => sg.request({ query: deep }, staff()));
    expect(tooDeep.body.errors?.[0]?.message).toMatch(/depth/i);
    const aliases = `{ ${Array.from({ length: 20 }, (_, index) => `a${index}: reservation(id: "${randomUUID()}") { id }`).join(' ')} }`;
    const tooMany = await reachingNoSubgraph(() => sg.request({ query: aliases }, staff()));
    expect(tooMany.body.errors?.[0]?.message).toMatch(/alias/i);
    for (const result of [tooDeep, tooMany]) noInternals(result);
  });

  it('answers 400 GRAPHQL_PARSE_FAILED to a truncated document or one over the token limit, never 500', async () => {
    const truncated = await reachingNoSubgraph(() => sg.request({ query: '{ reservation(id: "x") { id ' }, staff()));
    expect(truncated.status).toBe(400);
    expect(truncated.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    const tokens = `{ reservation(id: "x") { ${Array.from({ length: 3_100 }, () => 'id').join(' ')} } }`;
    const overTokens = await reachingNoSubgraph(() => sg.request({ query: tokens }, staff()));
    expect(overTokens.status).toBe(400);
    expect(overTokens.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(overTokens.body.errors?.[0]?.message).toMatch(/token limit/i);
    const notJson = await reachingNoSubgraph(() => sg.post('{"query": "{ __typename', staff()));
    expect(notJson.status).toBe(400);
    for (const result of [truncated, overTokens, notJson]) noInternals(result);
  });

  it('refuses an oversized body with 413 before reading it', async () => {
    const huge = await reachingNoSubgraph(() => sg.request({ query: `{ __typename } #${'x'.repeat(1_100_000)}` }, staff()));
    expect(huge.status).toBe(413);
    noInternals(huge);
  });

  it('refuses an operation whose estimated cost (@cost, @listSize) is too high, before any subgraph', async () => {
    const expensive = await reachingNoSubgraph(() =>
      sg.request(
        {
          query: `{ reservations(filter: { guestId: "${randomUUID()}" }, first: 1000) { edges { node { id participants { fullName } statusHistory { to } } } } }`,
        },
        staff(),
      ),
    );
    expect(expensive.body.errors?.[0]?.extensions).toMatchObject({ code: 'COST_ESTIMATED_TOO_EXPENSIVE' });
    const affordable = await sg.request<{ reservations: { edges: unknown[] } }>(
      {
        query: `{ reservations(filter: { guestId: "${randomUUID()}" }, first: 20) { edges { node { id participants { fullName } } } } }`,
      },
      staff(),
    );
    expect(affordable.body.errors).toBeUndefined();
  });
});

describe('readiness', () => {
  it('is ready once the supergraph is loaded and every subgraph answers', async () => {
    const response = await fetch(new URL('/readiness', sg.gateway.url));
    expect(response.status).toBe(200);
  });
});

/** The guest id a guest token was signed with (tests sign their own tokens). */
async function decodeGuest(token: string): Promise<string> {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { guest_id: string };
  return payload.guest_id;
}
