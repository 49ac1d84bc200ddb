import { describe, expect, it } from 'vitest';
import { assertMayChange, type Change, type Role } from '../../../src/domain/index.js';
import { buildSchema } from '../../../src/graphql/schema.js';
import { admits, scopedFields } from '../../../src/graphql/scopes.js';

/** The roles the schema declares (`@requiresScopes`) and the rules of src/domain/access.ts agree. */
const ROLES: Role[] = ['guest', 'partner', 'staff', 'service'];
const CHANGE_OF: Record<string, Change> = {
  createReservation: 'create',
  modifyReservation: 'modify',
  cancelReservation: 'cancel',
  confirmReservation: 'confirm',
  checkInReservation: 'checkIn',
  completeReservation: 'complete',
  markReservationNoShow: 'markNoShow',
  addParticipant: 'participants',
  updateParticipant: 'participants',
  removeParticipant: 'participants',
  addInsurance: 'insurance',
  removeInsurance: 'insurance',
};

function mayChange(role: Role, change: Change): boolean {
  try {
    assertMayChange({ role, subject: 'x' }, change);
    return true;
  } catch {
    return false;
  }
}

describe('@requiresScopes', () => {
  const scoped = scopedFields(buildSchema());

  it('is declared on every mutation', () => {
    const mutations = Object.keys(buildSchema().getMutationType()?.getFields() ?? {});
    expect(mutations.sort()).toEqual(Object.keys(CHANGE_OF).sort());
    for (const name of mutations) expect(scoped.has(`Mutation.${name}`), name).toBe(true);
  });

  it.each(Object.entries(CHANGE_OF))('admits to %s exactly the roles the domain lets make that change', (field, change) => {
    const scopes = scoped.get(`Mutation.${field}`) ?? [];
    for (const role of ROLES) expect(admits(scopes, role), `${role} on ${field}`).toBe(mayChange(role, change));
  });

  it('keeps partner-reference lookups to partners and staff', () => {
    const scopes = scoped.get('Query.reservationByPartnerReference') ?? [];
    expect(ROLES.filter((role) => admits(scopes, role))).toEqual(['partner', 'staff']);
  });
});
