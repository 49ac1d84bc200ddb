import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventValidator } from '../support/event-schemas.js';
import { CREATE, participantInput, RESERVATION_FIELDS, reservationInput } from '../support/factories.js';
import { ERASE, EXPORT, findStrings, type GuestStrings } from '../support/personal-data.js';
import { useService } from '../support/service.js';

/**
 * Erasure of a guest's personal data by the staff mutation (README, Personal data): what goes,
 * what stays, idempotence, readers that keep working, validation and access for every role.
 */
const test = useService();

const zelda = randomUUID();
const other = randomUUID();
const ZELDA: GuestStrings = {
  fullName: 'Zelda Quixote-Erasme',
  email: 'zelda.quixote@example.org',
  phone: '+4915112345678',
  notes: 'Zelda wants the window seat',
  reason: 'Zelda caught the flu',
};
const BOOKER_OF_OTHER = { fullName: 'Bertram Keepme', email: 'bertram.keepme@example.org' };

type Reservation = {
  id: string;
  rev: number;
  confirmationCode: string;
  status: string;
  notes: string | null;
  contact: { email: string; phone: string | null };
  participants: {
    id: string;
    fullName: string;
    dateOfBirth: string | null;
    ageCategory: string | null;
    guest: { id: string } | null;
  }[];
  statusHistory: { from: string | null; to: string; reason: string | null; actor: string }[];
};

async function create(input: Record<string, unknown>): Promise<Reservation> {
  const result = await test.graphql<{ createReservation: Reservation }>(CREATE, { input: reservationInput(input) });
  if (!result.data?.createReservation) throw new Error(JSON.stringify(result.errors));
  return result.data.createReservation;
}

async function read(id: string): Promise<Reservation> {
  const result = await test.graphql<{ reservation: Reservation }>(
    `query($id: ID!) { reservation(id: $id) { ${RESERVATION_FIELDS} } }`,
    {
      id,
    },
  );
  expect(result.errors).toBeUndefined();
  if (!result.data?.reservation) throw new Error('reservation not found');
  return result.data.reservation;
}

const erase = (guestId: string, reason = 'request of the guest, ticket 4711', headers?: Record<string, string>) =>
  test.graphql<{
    erasePersonalData: {
      reservationsTouched: number;
      participantsTouched: number;
      fieldsCleared: number;
      reservationIds: string[];
    };
  }>(ERASE, { guestId, reason }, headers);

let own: Reservation;
let cancelled: Reservation;
let theirs: Reservation;

beforeAll(async () => {
  own = await create({
    guestId: zelda,
    contact: { email: ZELDA.email, phone: ZELDA.phone },
    notes: ZELDA.notes,
    participants: [
      participantInput({ fullName: ZELDA.fullName, guestId: zelda, email: ZELDA.email, phone: ZELDA.phone }),
      participantInput({ fullName: 'Yorick Quixote', dateOfBirth: '2018-03-04', ageCategory: null }),
    ],
  });
  const booked = await create({ guestId: zelda, contact: { email: ZELDA.email }, notes: null });
  const cancel = await test.graphql<{ cancelReservation: Reservation }>(
    `mutation($input: CancelReservationInput!) { cancelReservation(input: $input) { ${RESERVATION_FIELDS} } }`,
    { input: { id: booked.id, expectedRev: booked.rev, reason: ZELDA.reason } },
  );
  if (!cancel.data?.cancelReservation) throw new Error(JSON.stringify(cancel.errors));
  cancelled = cancel.data.cancelReservation;
  theirs = await create({
    guestId: other,
    contact: { email: BOOKER_OF_OTHER.email, phone: null },
    participants: [
      participantInput({ fullName: BOOKER_OF_OTHER.fullName, guestId: other }),
      participantInput({ fullName: ZELDA.fullName, guestId: zelda, phone: ZELDA.phone }),
    ],
  });
});

describe('erasePersonalData', () => {
  it('refuses a blank, too long or control-character reason and a malformed guest id, changing nothing', async () => {
    for (const [guestId, reason, field] of [
      [zelda, '   ', 'reason'],
      [zelda, 'x'.repeat(501), 'reason'],
      [zelda, 'line\u0000break', 'reason'],
      [zelda, 'bell\u0007', 'reason'],
      ['not-a-uuid', 'fine', 'guestId'],
    ] as const) {
      const result = await erase(guestId, reason);
      expect(result.errors?.[0]?.extensions?.code, `${guestId} ${JSON.stringify(reason)}`).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(result.errors?.[0]?.extensions)).toContain(field);
    }
    expect((await read(own.id)).rev).toBe(own.rev);
    expect(await findStrings(test.service.pool, [ZELDA.email])).not.toEqual([]);
  });

  it('is refused to guests (even for themselves), partners, services and anonymous callers', async () => {
    const tokens = {
      guestOwn: await test.tokens.sign('guest', 'zelda', { guest_id: zelda }),
      guestOther: await test.tokens.sign('guest', 'other', { guest_id: other }),
      partner: await test.tokens.sign('partner', 'acme-api', { partner_id: 'acme' }),
      service: await test.tokens.sign('service', 'svc-loyalty'),
    };
    for (const [who, token] of Object.entries(tokens)) {
      const result = await erase(zelda, 'because', { authorization: `Bearer ${token}` });
      expect(result.errors?.[0]?.extensions?.code, who).toBe('FORBIDDEN');
    }
    const anonymous = await erase(zelda, 'because', { authorization: '' });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await read(own.id)).rev).toBe(own.rev);
  });

  it('erases the guest everywhere they booked or take part, and reports what it cleared', async () => {
    const result = await erase(zelda);
    expect(result.errors).toBeUndefined();
    const report = result.data?.erasePersonalData;
    expect(report?.reservationIds.sort()).toEqual([own.id, cancelled.id, theirs.id].sort());
    expect(report).toMatchObject({ reservationsTouched: 3, participantsTouched: 5 });
    // own: email, phone, notes + Zelda (name, email, phone) + Yorick (name, birth date) + 1 history reason;
    // cancelled: email + the default participants' 2 names and 1 birth date + 2 history reasons (every
    // reason goes: free text cannot be told from the service's own); theirs: Zelda's name and phone.
    expect(report?.fieldsCleared).toBe(3 + 3 + 2 + 1 + (1 + 3 + 2) + 2);
  });

  it('keeps ids, dates, statuses and transitions, with the marker or null where data was', async () => {
    const after = await read(own.id);
    expect(after.rev).toBe(own.rev + 1);
    expect(after).toMatchObject({ id: own.id, confirmationCode: own.confirmationCode, status: own.status, notes: null });
    expect(after.contact).toEqual({ email: 'erased', phone: null });
    expect(after.participants.map((p) => [p.fullName, p.dateOfBirth, p.ageCategory, p.guest?.id ?? null])).toEqual([
      ['erased', null, 'ADULT', zelda],
      // The age category stays known once the date of birth goes (a child on the trip date).
      ['erased', null, 'CHILD', null],
    ]);
    const history = (await read(cancelled.id)).statusHistory;
    expect(history.map((change) => [change.from, change.to, change.reason])).toEqual([
      [null, 'PENDING', null],
      ['PENDING', 'CANCELLED', null],
    ]);
  });

  it("leaves the other booker's data alone on a reservation where the guest only takes part", async () => {
    const after = await read(theirs.id);
    expect(after.contact.email).toBe(BOOKER_OF_OTHER.email);
    expect(after.participants.map((p) => p.fullName)).toEqual([BOOKER_OF_OTHER.fullName, 'erased']);
    expect(after.rev).toBe(theirs.rev + 1);
  });

  it('leaves no name, e-mail, phone, note or reason of the guest in any table or outbox payload', async () => {
    const needles = Object.values(ZELDA);
    expect(await findStrings(test.service.pool, needles)).toEqual([]);
    // The scan does find what is still there.
    expect(await findStrings(test.service.pool, [BOOKER_OF_OTHER.email])).toContain(
      `reservations.contact_email: ${BOOKER_OF_OTHER.email}`,
    );
  });

  it('records each erasure with actor and reason, and announces it with its own event', async () => {
    const { rows } = await test.service.pool.query<{ reservation_id: string; scope: string; actor: string; reason: string }>(
      'SELECT reservation_id, scope, actor, reason FROM reservations.personal_data_erasures ORDER BY reservation_id',
    );
    expect(rows.map((row) => [row.reservation_id, row.scope]).sort()).toEqual(
      [
        [own.id, 'reservation'],
        [cancelled.id, 'reservation'],
        [theirs.id, 'participant'],
      ].sort(),
    );
    for (const row of rows) expect(row).toMatchObject({ actor: 'staff:test-staff', reason: 'request of the guest, ticket 4711' });
    const events = await test.service.pool.query<{ aggregate_id: string; destination: string; payload: unknown }>(
      `SELECT aggregate_id, destination, payload FROM reservations.outbox WHERE type = 'reservation.personal-data-erased'`,
    );
    expect(events.rows.map((row) => row.aggregate_id).sort()).toEqual([own.id, cancelled.id, theirs.id].sort());
    const validate = eventValidator('reservation.personal-data-erased');
    for (const row of events.rows) {
      expect(validate(row.payload)).toEqual([]);
      expect(row.destination).toBe('novatrek.booking.reservation.personal-data-erased');
    }
    expect(events.rows.find((row) => row.aggregate_id === theirs.id)?.payload).toMatchObject({
      guestId: zelda,
      scope: 'participant',
    });
  });

  it('reports zero changes the second time and changes nothing', async () => {
    const again = await erase(zelda);
    expect(again.data?.erasePersonalData).toEqual({
      guestId: zelda,
      reservationsTouched: 0,
      participantsTouched: 0,
      fieldsCleared: 0,
      reservationIds: [],
    });
    expect((await read(own.id)).rev).toBe(own.rev + 1);
  });

  it('keeps erased reservations working: by confirmation code, entities, and later transitions without notifications', async () => {
    const byCode = await test.graphql<{ reservation: { id: string; contact: { email: string } } }>(
      `query($code: String!) { reservation(confirmationCode: $code) { id contact { email } participants { fullName } } }`,
      { code: own.confirmationCode },
    );
    expect(byCode.errors).toBeUndefined();
    expect(byCode.data?.reservation).toMatchObject({ id: own.id, contact: { email: 'erased' } });
    const entities = await test.graphql<{ _entities: { id: string; status: string }[] }>(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Reservation { id status participants { fullName } } } }`,
      { r: [{ __typename: 'Reservation', id: own.id }] },
    );
    expect(entities.errors).toBeUndefined();
    expect(entities.data?._entities[0]).toMatchObject({ id: own.id });
    const current = await read(own.id);
    const confirmed = await test.graphql<{ confirmReservation: { status: string; rev: number } }>(
      `mutation($input: TransitionInput!) { confirmReservation(input: $input) { status rev } }`,
      { input: { id: own.id, expectedRev: current.rev } },
    );
    expect(confirmed.errors).toBeUndefined();
    expect(confirmed.data?.confirmReservation.status).toBe('CONFIRMED');
    const notifications = await test.service.pool.query(
      `SELECT 1 FROM reservations.outbox WHERE aggregate_id = $1 AND kind = 'notification'`,
      [own.id],
    );
    expect(notifications.rowCount).toBe(0);
    const events = await test.service.pool.query<{ type: string; payload: Record<string, unknown> }>(
      `SELECT type, payload FROM reservations.outbox WHERE aggregate_id = $1 AND type = 'reservation.created'`,
      [own.id],
    );
    expect(eventValidator('reservation.created')(events.rows[0]?.payload)).toEqual([]);
  });
});

describe('personalDataExport', () => {
  const exportAs = (guestId: string, headers?: Record<string, string>) =>
    test.graphql<{ personalDataExport: { guestId: string; document: string } }>(EXPORT, { guestId }, headers);

  it('gives a guest their own reservations, participations, history and events as one JSON document', async () => {
    const guestOther = await test.tokens.sign('guest', 'other', { guest_id: other });
    const result = await exportAs(other, { authorization: `Bearer ${guestOther}` });
    expect(result.errors).toBeUndefined();
    const document = JSON.parse(result.data?.personalDataExport.document ?? '{}');
    expect(document.guestId).toBe(other);
    expect(document.reservations.map((r: { id: string }) => r.id)).toEqual([theirs.id]);
    expect(document.reservations[0].contactEmail).toBe(BOOKER_OF_OTHER.email);
    expect(document.reservations[0].participants).toHaveLength(2);
    expect(document.reservations[0].statusHistory[0]).toMatchObject({ to: 'PENDING' });
    expect(document.events.map((e: { type: string }) => e.type)).toContain('reservation.status_changed');
  });

  it("shows staff a guest's participations in others' bookings", async () => {
    const result = await exportAs(zelda);
    const document = JSON.parse(result.data?.personalDataExport.document ?? '{}');
    expect(document.participations.map((p: { reservationId: string }) => p.reservationId)).toEqual([theirs.id]);
    expect(document.participations[0]).not.toHaveProperty('contactEmail');
    expect(document.erasures).toHaveLength(3);
  });

  it('is refused to another guest, partners, services and anonymous callers', async () => {
    const callers = {
      guestOther: await test.tokens.sign('guest', 'zelda', { guest_id: zelda }),
      partner: await test.tokens.sign('partner', 'acme-api', { partner_id: 'acme' }),
      service: await test.tokens.sign('service', 'svc-loyalty'),
    };
    for (const [who, token] of Object.entries(callers)) {
      const result = await exportAs(other, { authorization: `Bearer ${token}` });
      expect(result.errors?.[0]?.extensions?.code, who).toBe('FORBIDDEN');
      expect(result.data?.personalDataExport ?? null, who).toBeNull();
    }
    const anonymous = await exportAs(other, { authorization: '' });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
