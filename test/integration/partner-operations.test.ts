import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { readManifest } from '../../gateway/persisted-operations.js';
import { daysFromToday, participantInput, reservationInput } from '../support/factories.js';
import { type GraphQLResult, useService } from '../support/service.js';

/**
 * Every persisted partner operation (operations/partner/*.graphql, the README's Access table) run
 * as a partner against the subgraph: each works on the partner's own reservation, and each change
 * is refused, changing nothing, on another partner's.
 */

const test = useService();
const manifest = readManifest();
const ran = new Set<string>();

interface Reservation {
  id: string;
  status: string;
  rev: number;
  partySize: number;
  notes: string | null;
  tripDate: string;
  participants: { id: string; fullName: string; insurance: { plan: string; status: string } | null }[];
}

let acme: string;
let globex: string;

beforeAll(async () => {
  acme = `Bearer ${await test.tokens.sign('partner', 'acme-api', { partner_id: 'acme' })}`;
  globex = `Bearer ${await test.tokens.sign('partner', 'globex-api', { partner_id: 'globex' })}`;
});

/** Sends the manifest's body of `name`, as the gateway does for a persisted-query id. */
async function run(name: string, variables: Record<string, unknown>, authorization: string): Promise<GraphQLResult> {
  const operation = manifest.operations.find((candidate) => candidate.name === name);
  if (!operation) throw new Error(`no persisted operation ${name}`);
  ran.add(name);
  return test.graphql(operation.body, variables, { authorization });
}

/** Runs `name` as acme and returns the reservation its one field gives back. */
async function asAcme(name: string, variables: Record<string, unknown>): Promise<Reservation> {
  const result = await run(name, variables, acme);
  expect(result.errors, name).toBeUndefined();
  return Object.values(result.data ?? {})[0] as Reservation;
}

async function revOf(id: string): Promise<number> {
  const { rows } = await test.db.pool.query<{ _rev: number }>('SELECT _rev FROM reservations.reservations WHERE id = $1', [id]);
  return rows[0]?._rev ?? Number.NaN;
}

describe('persisted partner operations against the subgraph', () => {
  it('lets a partner book, look up, amend, manage participants and insurance, confirm and cancel its own reservation', async () => {
    const reference = `ACME-${randomUUID().slice(0, 8)}`;
    const created = await asAcme('PartnerCreateReservation', {
      input: reservationInput({ partnerReference: reference }),
      idempotencyKey: randomUUID(),
    });
    const { id } = created;
    const found = await asAcme('PartnerReservationByReference', { partnerReference: reference });
    expect(found.id).toBe(id);

    const amended = await asAcme('PartnerModifyReservation', {
      input: { id, expectedRev: found.rev, tripDate: daysFromToday(45), notes: 'Arriving late.' },
    });
    expect(amended).toMatchObject({ tripDate: daysFromToday(45), notes: 'Arriving late.', rev: found.rev + 1 });

    const added = await asAcme('PartnerAddParticipant', {
      input: { reservationId: id, expectedRev: amended.rev, participant: participantInput({ fullName: 'Grace Hopper' }) },
    });
    expect(added.partySize).toBe(created.partySize + 1);
    const grace = added.participants.find((participant) => participant.fullName === 'Grace Hopper');
    expect(grace).toBeDefined();
    const participantId = grace?.id;

    const updated = await asAcme('PartnerUpdateParticipant', {
      input: { reservationId: id, participantId, expectedRev: added.rev, changes: { fullName: 'Grace B. Hopper' } },
    });
    expect(updated.participants.find((participant) => participant.id === participantId)?.fullName).toBe('Grace B. Hopper');

    const insured = await asAcme('PartnerAddInsurance', {
      input: {
        reservationId: id,
        participantId,
        expectedRev: updated.rev,
        insurance: { plan: 'STANDARD', premiumCents: 1500, currency: 'EUR' },
      },
    });
    expect(insured.participants.find((participant) => participant.id === participantId)?.insurance).toMatchObject({
      plan: 'STANDARD',
      status: 'ACTIVE',
    });

    const uninsured = await asAcme('PartnerRemoveInsurance', {
      input: { reservationId: id, participantId, expectedRev: insured.rev },
    });
    expect(uninsured.participants.find((participant) => participant.id === participantId)?.insurance?.status).toBe('REMOVED');

    const removed = await asAcme('PartnerRemoveParticipant', {
      input: { reservationId: id, participantId, expectedRev: uninsured.rev },
    });
    expect(removed.partySize).toBe(created.partySize);
    expect(removed.participants.map((participant) => participant.id)).not.toContain(participantId);

    const confirmed = await asAcme('PartnerConfirmReservation', { id, expectedRev: removed.rev, reason: 'seats held' });
    expect(confirmed.status).toBe('CONFIRMED');
    const cancelled = await asAcme('PartnerCancelReservation', { id, expectedRev: confirmed.rev, reason: 'guest asked' });
    expect(cancelled.status).toBe('CANCELLED');
  });

  it('refuses every change to another partner’s reservation as not found, and changes nothing', async () => {
    const theirs = await asAcme('PartnerCreateReservation', {
      input: reservationInput({ partnerReference: `ACME-${randomUUID().slice(0, 8)}` }),
      idempotencyKey: randomUUID(),
    });
    const [participant] = theirs.participants;
    const reservationId = theirs.id;
    const expectedRev = theirs.rev;
    const onParticipant = { reservationId, participantId: participant?.id, expectedRev };
    const attempts: [string, Record<string, unknown>][] = [
      ['PartnerModifyReservation', { input: { id: reservationId, expectedRev, notes: 'hijacked' } }],
      ['PartnerAddParticipant', { input: { reservationId, expectedRev, participant: participantInput() } }],
      ['PartnerUpdateParticipant', { input: { ...onParticipant, changes: { fullName: 'Mallory' } } }],
      ['PartnerRemoveParticipant', { input: onParticipant }],
      ['PartnerAddInsurance', { input: { ...onParticipant, insurance: { plan: 'STANDARD', premiumCents: 1, currency: 'EUR' } } }],
      ['PartnerRemoveInsurance', { input: onParticipant }],
      ['PartnerConfirmReservation', { id: reservationId, expectedRev }],
      ['PartnerCancelReservation', { id: reservationId, expectedRev, reason: 'hijacked' }],
    ];
    for (const [name, variables] of attempts) {
      const result = await run(name, variables, globex);
      expect(result.errors?.[0]?.extensions?.code, name).toBe('NOT_FOUND');
    }
    expect(await revOf(reservationId)).toBe(expectedRev);
  });

  it('has run every operation of the manifest', () => {
    expect([...ran].sort()).toEqual(manifest.operations.map((operation) => operation.name).sort());
  });
});
