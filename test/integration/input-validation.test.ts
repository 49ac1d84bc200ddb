import { beforeEach, describe, expect, it } from 'vitest';
import { CREATE, reservationInput } from '../support/factories.js';
import { type GraphQLResult, useService } from '../support/service.js';
import { snapshotTables } from '../support/snapshot.js';

const test = useService();

const CANCEL = `mutation($input: CancelReservationInput!) { cancelReservation(input: $input) { rev status } }`;
const CONFIRM = `mutation($input: TransitionInput!) { confirmReservation(input: $input) { rev status } }`;
const SEARCH = `query($partnerId: String) { reservations(filter: { partnerId: $partnerId }) { edges { cursor } } }`;
const BY_REFERENCE = `query($reference: String!, $partnerId: String) {
  reservationByPartnerReference(partnerReference: $reference, partnerId: $partnerId) { id }
}`;

function refusal(result: GraphQLResult) {
  const [error] = result.errors ?? [];
  return { code: error?.extensions?.code, field: error?.extensions?.field };
}

describe('text arguments are checked before they reach SQL', () => {
  let reservation: { id: string; rev: number };

  beforeEach(async () => {
    const created = await test.graphql<{ createReservation: { id: string; rev: number } }>(CREATE, {
      input: reservationInput(),
    });
    reservation = created.data?.createReservation ?? { id: '', rev: 0 };
    expect(reservation.id).not.toBe('');
  });

  const badReasons = [
    ['10,000 characters', 'x'.repeat(10_000)],
    ['a NUL', 'guest asked\u0000'],
    ['an escape character', 'guest \u001b[31masked'],
    ['only spaces', '   '],
    ['nothing', ''],
    ['an unpaired surrogate', 'guest asked \ud800'],
  ];
  it.each([
    ...badReasons.map(([what, reason]) => ['cancellation', what, CANCEL, reason]),
    ...badReasons.map(([what, reason]) => ['confirmation', what, CONFIRM, reason]),
  ])('refuses a %s reason of %s, and changes nothing', async (_, _what, mutation, reason) => {
    const before = await snapshotTables(test.db.pool);
    const result = await test.graphql(String(mutation), { input: { id: reservation.id, expectedRev: reservation.rev, reason } });
    expect(refusal(result)).toEqual({ code: 'BAD_USER_INPUT', field: 'input.reason' });
    expect(await snapshotTables(test.db.pool)).toEqual(before);
  });

  it('stores a reason trimmed, with its line breaks, emoji and combining marks', async () => {
    const reason = '  Storm warning 🌩️\nTrip moved — café closed (e\u0301)  ';
    const result = await test.graphql<{ cancelReservation: { status: string } }>(
      `mutation($input: CancelReservationInput!) { cancelReservation(input: $input) { status statusHistory { reason } } }`,
      { input: { id: reservation.id, expectedRev: reservation.rev, reason } },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.cancelReservation).toMatchObject({
      status: 'CANCELLED',
      statusHistory: [{ reason: 'created' }, { reason: reason.trim() }],
    });
  });

  it('refuses a NUL in the partner filter of a search', async () => {
    expect(refusal(await test.graphql(SEARCH, { partnerId: 'acme\u0000' }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'filter.partnerId',
    });
  });

  it.each([
    ['reference', { reference: 'ACME-1\u0000', partnerId: 'acme' }, 'partnerReference'],
    ['partner', { reference: 'ACME-1', partnerId: 'ac\u0000me' }, 'partnerId'],
    ['reference of 10,000 characters', { reference: 'R'.repeat(10_000), partnerId: 'acme' }, 'partnerReference'],
  ])('refuses a bad %s in a lookup by partner reference', async (_, variables, field) => {
    expect(refusal(await test.graphql(BY_REFERENCE, variables))).toEqual({ code: 'BAD_USER_INPUT', field });
  });

  it('lists every problem of an input in one answer, with field paths into lists', async () => {
    const result = await test.graphql(CREATE, {
      input: reservationInput({
        notes: 'a\u0000b',
        participants: [
          { fullName: 'Ada', ageCategory: 'ADULT' },
          { fullName: 'x'.repeat(300), ageCategory: 'ADULT' },
        ],
      }),
    });
    expect(result.errors?.[0]?.extensions?.fields).toEqual([
      { field: 'input.notes', message: 'must not contain control characters other than line breaks and tabs' },
      { field: 'input.participants.1.fullName', message: 'must be at most 200 characters (it has 300)' },
    ]);
  });

  it('refuses a list longer than the limit before looking at its items', async () => {
    const statuses = Array.from({ length: 5_000 }, () => 'PENDING');
    const result = await test.graphql(
      `query($status: [ReservationStatus!]) { reservations(filter: { partnerId: "acme", status: $status }) { edges { cursor } } }`,
      { status: statuses },
    );
    expect(refusal(result)).toEqual({ code: 'BAD_USER_INPUT', field: 'filter.status' });
  });

  it('refuses a trip date before year 1 (PostgreSQL has no year 0) as bad input', async () => {
    const result = await test.graphql(
      `query($from: Date) { reservations(filter: { partnerId: "acme", tripDateFrom: $from }) { edges { cursor } } }`,
      { from: '0000-12-31' },
    );
    expect(refusal(result)).toEqual({ code: 'BAD_USER_INPUT', field: 'from' });
  });
});

describe('the caller named by a token', () => {
  it.each([
    ['a subject too long to record as the actor', 'staff', 's'.repeat(121), {}],
    ['a subject with a NUL', 'staff', 'ops\u0000', {}],
    ['a partner id with a control character', 'partner', 'acme-api', { partner_id: 'ac\u0007me' }],
  ])('is refused for %s, and nothing is stored', async (_, role, subject, extra) => {
    const token = await test.tokens.sign(role, subject, extra);
    const before = await snapshotTables(test.db.pool);
    const result = await test.graphql(
      `mutation($input: CreateReservationInput!) { createReservation(input: $input, idempotencyKey: "retry-key-0001") { id } }`,
      { input: reservationInput({ partnerReference: 'ACME-77' }) },
      { authorization: `Bearer ${token}` },
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await snapshotTables(test.db.pool)).toEqual(before);
  });
});

describe('variables GraphQL cannot coerce', () => {
  it('name the path of the wrong value in extensions.field', async () => {
    const result = await test.graphql(CREATE, {
      input: reservationInput({ participants: [{ fullName: 'Ada', ageCategory: 'ADULT' }, { fullName: 42 }] }),
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.participants.1.fullName',
      fields: [{ field: 'input.participants.1.fullName', message: 'String cannot represent a non string value: 42' }],
    });
  });

  it('name a missing required field of an input', async () => {
    const { contact: _missing, ...input } = reservationInput();
    const result = await test.graphql(CREATE, { input });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.contact' });
  });

  it('answer more than 50 wrong values as bad input, not as a server error', async () => {
    const participants = Array.from({ length: 60 }, () => ({ fullName: null, ageCategory: 'ADULT' }));
    const result = await test.graphql(CREATE, { input: reservationInput({ participants }) });
    const codes = new Set(result.errors?.map((error) => error.extensions?.code));
    expect(result.errors?.length).toBeGreaterThan(50);
    expect([...codes]).toEqual(['BAD_USER_INPUT']);
  });

  it('name the variable itself when it is missing or out of range', async () => {
    expect((await test.graphql(CREATE, {})).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input' });
    const overflow = await test.graphql(CANCEL, {
      input: { id: '019ab5c4-0000-7000-8000-000000000000', expectedRev: 2 ** 31, reason: 'x' },
    });
    expect(overflow.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.expectedRev' });
  });
});

describe('requests that are not GraphQL requests', () => {
  it.each([
    ['an empty body', ''],
    ['JSON null', 'null'],
    ['a list', '[{"query":"{ __typename }"}]'],
    ['a string', '"{ __typename }"'],
    ['a query that is a number', '{"query":5}'],
    ['variables that are a string', '{"query":"query($id: ID) { reservation(id: $id) { id } }","variables":"x"}'],
    ['an operation name that is an object', '{"query":"{ __typename }","operationName":{}}'],
    ['a query with a NUL', '{"query":"{ __typename \\u0000 }"}'],
    ['broken JSON', '{"query":'],
  ])('answer %s with a 4xx and a typed error', async (_, body) => {
    const response = await fetch(test.service.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${test.staffToken}` },
      body,
    });
    const result = (await response.json()) as GraphQLResult;
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(result.errors?.[0]?.extensions?.code).toMatch(/^(BAD_REQUEST|GRAPHQL_PARSE_FAILED)$/);
  });
});
