import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { CREATE, reservationInput } from '../support/factories.js';
import { useService } from '../support/service.js';

const test = useService();
const LOOKUP = `query L($id: ID!) { reservation(id: $id) { id guest { id } } }`;
const ENTITIES = `query E($r: [_Any!]!) { _entities(representations: $r) { ... on Reservation { id } ... on Guest { reservations { edges { node { id } } } } } }`;
const CHECK_IN = `mutation C($input: TransitionInput!) { checkInReservation(input: $input) { status } }`;
const CANCEL = `mutation X($input: CancelReservationInput!) { cancelReservation(input: $input) { status } }`;

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('authentication', () => {
  it('refuses every operation without a token, except the SDL', async () => {
    const query = await test.graphql(LOOKUP, { id: randomUUID() }, { authorization: '' });
    expect(query.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(query.data ?? null).toBeNull();
    const mutation = await test.graphql(CREATE, { input: reservationInput() }, { authorization: '' });
    expect(mutation.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const sdl = await test.graphql<{ _service: { sdl: string } }>('{ _service { sdl } }', {}, { authorization: '' });
    expect(sdl.data?._service.sdl).toContain('type Reservation');
  });

  it('refuses a token that does not verify, is for another audience, or names no role', async () => {
    const foreign = await (await import('../support/tokens.js')).createTestTokens();
    const tokens = [
      await foreign.sign('staff'),
      await test.tokens.sign('staff', 'x', { aud: 'another-service' }),
      await test.tokens.sign('admin'),
      'not.a.jwt',
    ];
    for (const token of tokens) {
      const result = await test.graphql(LOOKUP, { id: randomUUID() }, bearer(token));
      expect(result.errors?.[0]?.extensions?.code, token).toBe('UNAUTHENTICATED');
      expect(JSON.stringify(result)).not.toMatch(/stack|jose|JWS/i);
    }
  });
});

describe('access by role', () => {
  const ada = randomUUID();
  const bob = randomUUID();
  let adaToken: string;
  let bobToken: string;
  let adasReservation: string;
  let partnerReservation: string;

  beforeAll(async () => {
    adaToken = await test.tokens.sign('guest', 'ada', { guest_id: ada });
    bobToken = await test.tokens.sign('guest', 'bob', { guest_id: bob });
    const created = await test.graphql<{ createReservation: { id: string } }>(
      CREATE,
      { input: reservationInput({ guestId: ada }) },
      bearer(adaToken),
    );
    expect(created.errors).toBeUndefined();
    adasReservation = created.data?.createReservation.id ?? '';
    const acme = await test.tokens.sign('partner', 'acme-api', { partner_id: 'acme' });
    const viaPartner = await test.graphql<{ createReservation: { id: string } }>(
      CREATE,
      { input: reservationInput({ partnerReference: `ACME-${randomUUID().slice(0, 8)}` }) },
      bearer(acme),
    );
    expect(viaPartner.errors).toBeUndefined();
    partnerReservation = viaPartner.data?.createReservation.id ?? '';
  });

  it('lets a guest see their own reservation and never another guest’s', async () => {
    expect(
      (await test.graphql<{ reservation: { id: string } }>(LOOKUP, { id: adasReservation }, bearer(adaToken))).data?.reservation
        ?.id,
    ).toBe(adasReservation);
    expect((await test.graphql(LOOKUP, { id: adasReservation }, bearer(bobToken))).data?.reservation).toBeNull();
    const entities = await test.graphql<{ _entities: unknown[] }>(
      ENTITIES,
      {
        r: [
          { __typename: 'Reservation', id: adasReservation },
          { __typename: 'Guest', id: ada },
        ],
      },
      bearer(bobToken),
    );
    expect(entities.data?._entities).toEqual([null, { reservations: { edges: [] } }]);
  });

  it('lets a guest book only for themselves, cancel their own, and not touch another’s', async () => {
    const forOther = await test.graphql(CREATE, { input: reservationInput({ guestId: bob }) }, bearer(adaToken));
    expect(forOther.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const cancelOthers = await test.graphql(
      CANCEL,
      { input: { id: adasReservation, expectedRev: 1, reason: 'x' } },
      bearer(bobToken),
    );
    expect(cancelOthers.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const checkIn = await test.graphql(CHECK_IN, { input: { id: adasReservation, expectedRev: 1 } }, bearer(adaToken));
    expect(checkIn.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('lets a partner see and confirm the reservations made through them, not another partner’s', async () => {
    const acme = await test.tokens.sign('partner', 'acme-api', { partner_id: 'acme' });
    const other = await test.tokens.sign('partner', 'globex-api', { partner_id: 'globex' });
    expect(
      (await test.graphql<{ reservation: { id: string } }>(LOOKUP, { id: partnerReservation }, bearer(acme))).data?.reservation
        ?.id,
    ).toBe(partnerReservation);
    expect((await test.graphql(LOOKUP, { id: partnerReservation }, bearer(other))).data?.reservation).toBeNull();
    expect((await test.graphql(LOOKUP, { id: adasReservation }, bearer(acme))).data?.reservation).toBeNull();
    const search = await test.graphql<{ reservations: { edges: { node: { id: string } }[] } }>(
      `query { reservations(filter: { partnerId: "globex" }) { edges { node { id } } } }`,
      {},
      bearer(acme),
    );
    expect(search.data?.reservations.edges.map((edge) => edge.node.id)).toEqual([partnerReservation]);
  });

  it('lets a service read any reservation and check in, but not book', async () => {
    const service = await test.tokens.sign('service', 'svc-check-in');
    expect(
      (await test.graphql<{ reservation: { id: string } }>(LOOKUP, { id: adasReservation }, bearer(service))).data?.reservation
        ?.id,
    ).toBe(adasReservation);
    const booking = await test.graphql(CREATE, { input: reservationInput() }, bearer(service));
    expect(booking.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('the roles the schema declares (@requiresScopes)', () => {
  const BY_REFERENCE = `query R($ref: String!, $partner: String) {
    reservationByPartnerReference(partnerReference: $ref, partnerId: $partner) { id partnerReference }
  }`;

  it('refuses a guest on a partner-and-staff field, before any data is read, naming what it needs', async () => {
    const guest = await test.tokens.sign('guest', 'ada', { guest_id: randomUUID() });
    const result = await test.graphql(BY_REFERENCE, { ref: 'ANY-1' }, bearer(guest));
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(result.errors?.[0]?.message).toMatch(/not open to a guest .*partner, or staff/);
    const service = await test.tokens.sign('service', 'svc-loyalty');
    const confirm = await test.graphql(
      'mutation C($input: TransitionInput!) { confirmReservation(input: $input) { status } }',
      { input: { id: randomUUID(), expectedRev: 1 } },
      bearer(service),
    );
    expect(confirm.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('lets a partner look up their own reference, never another partner’s, and staff name the partner', async () => {
    const reference = `ACME-${randomUUID().slice(0, 8)}`;
    const acme = await test.tokens.sign('partner', 'acme-api', { partner_id: 'acme' });
    const globex = await test.tokens.sign('partner', 'globex-api', { partner_id: 'globex' });
    const created = await test.graphql<{ createReservation: { id: string } }>(
      CREATE,
      { input: reservationInput({ partnerReference: reference }) },
      bearer(acme),
    );
    const id = created.data?.createReservation.id;
    expect(id).toBeDefined();

    const own = await test.graphql<{ reservationByPartnerReference: { id: string } | null }>(
      BY_REFERENCE,
      { ref: reference },
      bearer(acme),
    );
    expect(own.data?.reservationByPartnerReference).toEqual({ id, partnerReference: reference });
    // Naming acme does not help globex: a partner's lookups are always their own.
    const other = await test.graphql<{ reservationByPartnerReference: unknown }>(
      BY_REFERENCE,
      { ref: reference, partner: 'acme' },
      bearer(globex),
    );
    expect(other.errors).toBeUndefined();
    expect(other.data?.reservationByPartnerReference).toBeNull();
    const staff = await test.graphql<{ reservationByPartnerReference: { id: string } | null }>(BY_REFERENCE, {
      ref: reference,
      partner: 'acme',
    });
    expect(staff.data?.reservationByPartnerReference?.id).toBe(id);
    const unnamed = await test.graphql(BY_REFERENCE, { ref: reference });
    expect(unnamed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'partnerId' });
  });
});

describe('the gateway secret', () => {
  const gated = useService({ GATEWAY_SHARED_SECRET: 'the-gateway-shared-secret-0123456789' });

  it('keeps everyone but the gateway out, the SDL and _entities included', async () => {
    const sdl = await gated.graphql('{ _service { sdl } }');
    expect(sdl.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const wrong = await gated.graphql('{ _service { sdl } }', {}, { 'x-gateway-secret': 'the-gateway-shared-secret-9876543210' });
    expect(wrong.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const right = await gated.graphql<{ _service: { sdl: string } }>(
      '{ _service { sdl } }',
      {},
      {
        'x-gateway-secret': 'the-gateway-shared-secret-0123456789',
      },
    );
    expect(right.data?._service.sdl).toContain('type Reservation');
  });
});
