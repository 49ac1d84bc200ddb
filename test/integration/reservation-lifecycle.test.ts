import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CREATE, daysFromToday, participantInput, RESERVATION_FIELDS, reservationInput } from '../support/factories.js';
import { useService } from '../support/service.js';

interface Reservation {
  id: string;
  confirmationCode: string;
  status: string;
  rev: number;
  partySize: number;
  tripDate: string;
  reservationDate: string;
  notes: string | null;
  contact: { email: string; phone: string | null };
  participants: {
    id: string;
    fullName: string;
    insurance: { plan: string; status: string; premium: { amountCents: number } } | null;
  }[];
  statusHistory: { from: string | null; to: string; reason: string | null; actor: string; rev: number }[];
}

const test = useService();

async function create(overrides: Record<string, unknown> = {}): Promise<Reservation> {
  const result = await test.graphql<{ createReservation: Reservation }>(CREATE, { input: reservationInput(overrides) });
  expect(result.errors).toBeUndefined();
  const reservation = result.data?.createReservation;
  if (!reservation) throw new Error('no reservation created');
  return reservation;
}

async function mutate(name: string, input: Record<string, unknown>) {
  return test.graphql<Record<string, Reservation>>(
    `mutation M($input: ${name.charAt(0).toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $input) { ${RESERVATION_FIELDS} } }`,
    { input },
  );
}

async function transition(name: string, input: Record<string, unknown>) {
  return test.graphql<Record<string, Reservation>>(
    `mutation T($input: ${name === 'cancelReservation' ? 'CancelReservationInput' : 'TransitionInput'}!) { ${name}(input: $input) { ${RESERVATION_FIELDS} } }`,
    { input },
  );
}

async function lookup(args: string, variables: Record<string, unknown>) {
  return test.graphql<{ reservation: Reservation | null }>(
    `query Q(${args}) { reservation(${args.replace(/\$(\w+): \w+!?/g, '$1: $$$1')}) { ${RESERVATION_FIELDS} } }`,
    variables,
  );
}

describe('creating a reservation', () => {
  it('stores a PENDING reservation at revision 1 with its participants and first history row', async () => {
    const reservation = await create();
    expect(reservation.status).toBe('PENDING');
    expect(reservation.rev).toBe(1);
    expect(reservation.partySize).toBe(2);
    expect(reservation.participants.map((p) => p.fullName)).toEqual(['Ada Lovelace', 'Charles Babbage']);
    expect(reservation.statusHistory).toEqual([expect.objectContaining({ from: null, to: 'PENDING', rev: 1 })]);
    expect(reservation.reservationDate).toBe(new Date().toISOString().slice(0, 10));
    expect(reservation.confirmationCode).toMatch(/^\d{6}-[0-9A-HJKMNP-TV-Z]{6}$/);
    expect(reservation.confirmationCode.slice(0, 6)).toBe(reservation.reservationDate.replaceAll('-', '').slice(2));
  });

  it('gives every reservation its own confirmation code', async () => {
    const codes = await Promise.all(Array.from({ length: 10 }, () => create().then((r) => r.confirmationCode)));
    expect(new Set(codes).size).toBe(10);
  });

  it('keeps SQL-looking text verbatim', async () => {
    const notes = "'); DROP TABLE reservations.reservations; --";
    const reservation = await create({
      notes,
      participants: [participantInput({ fullName: "Robert'); DROP TABLE students;--" })],
    });
    expect(reservation.notes).toBe(notes);
    expect(reservation.participants[0]?.fullName).toBe("Robert'); DROP TABLE students;--");
  });
});

describe('looking a reservation up', () => {
  it('finds it by id and by confirmation code, typed in lower case too', async () => {
    const created = await create();
    const byId = await lookup('$id: ID!', { id: created.id });
    const byCode = await lookup('$confirmationCode: String!', { confirmationCode: created.confirmationCode.toLowerCase() });
    expect(byId.data?.reservation?.id).toBe(created.id);
    expect(byCode.data?.reservation?.id).toBe(created.id);
  });

  it('returns null for an unknown id and a typed error for a malformed one', async () => {
    expect((await lookup('$id: ID!', { id: randomUUID() })).data?.reservation).toBeNull();
    const malformed = await lookup('$id: ID!', { id: 'not-an-id' });
    expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });
});

describe('changing a reservation', () => {
  it('modifies notes, contact and trip date and raises the revision by one', async () => {
    const created = await create();
    const tripDate = daysFromToday(60);
    const result = await mutate('modifyReservation', {
      id: created.id,
      expectedRev: 1,
      tripDate,
      notes: 'Window seat',
      contact: { email: 'new@example.com' },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?.modifyReservation).toMatchObject({
      rev: 2,
      tripDate,
      notes: 'Window seat',
      contact: { email: 'new@example.com', phone: null },
    });
    expect(result.data?.modifyReservation?.statusHistory).toHaveLength(1);
  });

  it('refuses a stale revision with the current one and changes nothing', async () => {
    const created = await create();
    await mutate('modifyReservation', { id: created.id, expectedRev: 1, notes: 'first' });
    const stale = await mutate('modifyReservation', { id: created.id, expectedRev: 1, notes: 'second' });
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'STALE_REVISION', currentRev: 2 });
    const after = await lookup('$id: ID!', { id: created.id });
    expect(after.data?.reservation).toMatchObject({ notes: 'first', rev: 2 });
  });

  it('answers NOT_FOUND for a reservation that does not exist', async () => {
    const missing = await mutate('modifyReservation', { id: '019ab5c4-0000-7000-8000-000000000000', expectedRev: 1, notes: 'x' });
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('the status lifecycle', () => {
  it('goes PENDING → CONFIRMED → CHECKED_IN → COMPLETED with one history row per move', async () => {
    const created = await create();
    const confirmed = await transition('confirmReservation', { id: created.id, expectedRev: 1, reason: 'partner confirmation' });
    const checkedIn = await transition('checkInReservation', { id: created.id, expectedRev: 2 });
    const completed = await transition('completeReservation', { id: created.id, expectedRev: 3 });
    expect(confirmed.data?.confirmReservation?.status).toBe('CONFIRMED');
    expect(checkedIn.data?.checkInReservation?.status).toBe('CHECKED_IN');
    const final = completed.data?.completeReservation;
    expect(final).toMatchObject({ status: 'COMPLETED', rev: 4 });
    expect(final?.statusHistory.map((row) => [row.from, row.to, row.rev])).toEqual([
      [null, 'PENDING', 1],
      ['PENDING', 'CONFIRMED', 2],
      ['CONFIRMED', 'CHECKED_IN', 3],
      ['CHECKED_IN', 'COMPLETED', 4],
    ]);
    expect(final?.statusHistory[1]).toMatchObject({ reason: 'partner confirmation', actor: 'staff:test-staff' });
  });

  it('refuses to cancel a COMPLETED reservation and changes nothing', async () => {
    const created = await create();
    await transition('confirmReservation', { id: created.id, expectedRev: 1 });
    await transition('checkInReservation', { id: created.id, expectedRev: 2 });
    await transition('completeReservation', { id: created.id, expectedRev: 3 });
    const refused = await transition('cancelReservation', { id: created.id, expectedRev: 4, reason: 'changed my mind' });
    expect(refused.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
    const after = await lookup('$id: ID!', { id: created.id });
    expect(after.data?.reservation).toMatchObject({ status: 'COMPLETED', rev: 4 });
    expect(after.data?.reservation?.statusHistory).toHaveLength(4);
  });

  it('cancels a pending reservation with its reason', async () => {
    const created = await create();
    const cancelled = await transition('cancelReservation', { id: created.id, expectedRev: 1, reason: 'weather' });
    expect(cancelled.data?.cancelReservation?.status).toBe('CANCELLED');
    expect(cancelled.data?.cancelReservation?.statusHistory.at(-1)).toMatchObject({
      from: 'PENDING',
      to: 'CANCELLED',
      reason: 'weather',
    });
  });

  it('does not mark a no-show before the trip date', async () => {
    const created = await create();
    await transition('confirmReservation', { id: created.id, expectedRev: 1 });
    const early = await transition('markReservationNoShow', { id: created.id, expectedRev: 2 });
    expect(early.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
  });
});

describe('participants and insurance', () => {
  it('adds, updates and removes participants, keeping party size and revision in step', async () => {
    const created = await create();
    const added = await mutate('addParticipant', {
      reservationId: created.id,
      expectedRev: 1,
      participant: participantInput({ fullName: 'Grace Hopper', ageCategory: 'YOUTH' }),
    });
    expect(added.data?.addParticipant).toMatchObject({ partySize: 3, rev: 2 });
    const grace = added.data?.addParticipant?.participants.find((p) => p.fullName === 'Grace Hopper');
    const updated = await mutate('updateParticipant', {
      reservationId: created.id,
      participantId: grace?.id,
      expectedRev: 2,
      changes: { fullName: 'Grace B. Hopper' },
    });
    expect(updated.data?.updateParticipant?.participants.map((p) => p.fullName)).toContain('Grace B. Hopper');
    const removed = await mutate('removeParticipant', { reservationId: created.id, participantId: grace?.id, expectedRev: 3 });
    expect(removed.data?.removeParticipant).toMatchObject({ partySize: 2, rev: 4 });
  });

  it('refuses to remove the last participant', async () => {
    const created = await create({ participants: [participantInput()] });
    const refused = await mutate('removeParticipant', {
      reservationId: created.id,
      participantId: created.participants[0]?.id,
      expectedRev: 1,
    });
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const after = await lookup('$id: ID!', { id: created.id });
    expect(after.data?.reservation).toMatchObject({ partySize: 1, rev: 1 });
  });

  it('adds and removes insurance on a participant', async () => {
    const created = await create();
    const participantId = created.participants[0]?.id;
    const added = await mutate('addInsurance', {
      reservationId: created.id,
      participantId,
      expectedRev: 1,
      insurance: { plan: 'STANDARD', premiumCents: 4900, currency: 'EUR' },
    });
    expect(added.data?.addInsurance?.participants[0]?.insurance).toEqual({
      plan: 'STANDARD',
      status: 'ACTIVE',
      premium: { amountCents: 4900, currency: 'EUR' },
    });
    const removed = await mutate('removeInsurance', { reservationId: created.id, participantId, expectedRev: 2 });
    expect(removed.data?.removeInsurance?.participants[0]?.insurance?.status).toBe('REMOVED');
  });

  it('refuses insurance on a CANCELLED reservation', async () => {
    const created = await create();
    await transition('cancelReservation', { id: created.id, expectedRev: 1, reason: 'illness' });
    const refused = await mutate('addInsurance', {
      reservationId: created.id,
      participantId: created.participants[0]?.id,
      expectedRev: 2,
      insurance: { plan: 'STANDARD', premiumCents: 4900, currency: 'EUR' },
    });
    expect(refused.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
    const after = await lookup('$id: ID!', { id: created.id });
    expect(after.data?.reservation?.participants[0]?.insurance).toBeNull();
  });
});

describe('bad input', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['an empty name', { participants: [participantInput({ fullName: '' })] }, 'input.participants.0.fullName'],
    [
      'a 10,000-character name',
      { participants: [participantInput({ fullName: 'x'.repeat(10_000) })] },
      'input.participants.0.fullName',
    ],
    [
      'a name with control characters',
      { participants: [participantInput({ fullName: 'Ada\u0000Lovelace' })] },
      'input.participants.0.fullName',
    ],
    ['party size 0', { participants: [] }, 'input.participants'],
    ['party size 1,000', { participants: Array.from({ length: 1000 }, () => participantInput()) }, 'input.participants'],
    ['a trip date in the past', { tripDate: daysFromToday(-1) }, 'input.tripDate'],
    ['a malformed guest id', { guestId: 'guest-1' }, 'input.guestId'],
  ];
  for (const [what, overrides, field] of cases) {
    it(`rejects ${what} with BAD_USER_INPUT on ${field} and stores nothing`, async () => {
      const before = await test.db.pool.query('SELECT count(*)::int AS n FROM reservations.reservations');
      const result = await test.graphql(CREATE, { input: reservationInput(overrides) });
      expect(result.data).toBeNull();
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
      const fields = ((result.errors?.[0]?.extensions?.fields ?? []) as { field: string }[]).map((f) => f.field);
      expect(fields).toContain(field);
      const after = await test.db.pool.query('SELECT count(*)::int AS n FROM reservations.reservations');
      expect(after.rows[0].n).toBe(before.rows[0].n);
    });
  }

  it('never shows a stack trace or an internal message', async () => {
    const result = await test.graphql(CREATE, {
      input: reservationInput({ participants: [participantInput({ fullName: '' })] }),
    });
    expect(JSON.stringify(result)).not.toMatch(/stacktrace|at .*\.ts:\d+|prisma/i);
  });
});
