import { describe, expect, it } from 'vitest';
import {
  assertMayChange,
  assertMayErasePersonalData,
  assertMayExportPersonalData,
  type Change,
  type Role,
} from '../../../src/domain/index.js';
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

/** Fields whose domain rule is not a reservation change: the rule, given a role. */
const OTHER_RULES: Record<string, (role: Role) => void> = {
  'Mutation.erasePersonalData': (role) => assertMayErasePersonalData({ role, subject: 'x' }),
  // Their own data, for a guest: what the role may do at best.
  'Query.personalDataExport': (role) => assertMayExportPersonalData({ role, subject: 'x', guestId: 'g' }, 'g'),
};

function allows(rule: () => void): boolean {
  try {
    rule();
    return true;
  } catch {
    return false;
  }
}

const mayChange = (role: Role, change: Change): boolean => allows(() => assertMayChange({ role, subject: 'x' }, change));

describe('@requiresScopes', () => {
  const scoped = scopedFields(buildSchema());

  it('is declared on every mutation', () => {
    const mutations = Object.keys(buildSchema().getMutationType()?.getFields() ?? {});
    const ruled = Object.keys(OTHER_RULES)
      .filter((field) => field.startsWith('Mutation.'))
      .map((field) => field.slice(9));
    expect(mutations.sort()).toEqual([...Object.keys(CHANGE_OF), ...ruled].sort());
    for (const name of mutations) expect(scoped.has(`Mutation.${name}`), name).toBe(true);
  });

  it.each(Object.entries(CHANGE_OF))('admits to %s exactly the roles the domain lets make that change', (field, change) => {
    const scopes = scoped.get(`Mutation.${field}`) ?? [];
    for (const role of ROLES) expect(admits(scopes, role), `${role} on ${field}`).toBe(mayChange(role, change));
  });

  it.each(Object.entries(OTHER_RULES))('admits to %s exactly the roles its domain rule admits', (field, rule) => {
    const scopes = scoped.get(field);
    expect(scopes, field).toBeDefined();
    for (const role of ROLES) expect(admits(scopes ?? [], role), `${role} on ${field}`).toBe(allows(() => rule(role)));
  });

  it('keeps partner-reference lookups to partners and staff', () => {
    const scopes = scoped.get('Query.reservationByPartnerReference') ?? [];
    expect(ROLES.filter((role) => admits(scopes, role))).toEqual(['partner', 'staff']);
  });
});
