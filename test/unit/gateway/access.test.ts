import { describe, expect, it } from 'vitest';
import { validateCaller } from '../../../gateway/access.js';
import type { Caller } from '../../../src/domain/index.js';

/** The gateway's verdict on one field, as Hive's generic auth asks it (gateway/access.ts). */
const staff: Caller = { role: 'staff', subject: 'ada' };
const field = (extra: { user: Caller | null } & Record<string, unknown>) => ({
  parentType: { name: 'Query' },
  field: { name: 'reservation' },
  userScopes: ['staff'],
  userPolicies: [],
  ...extra,
});

describe('validateCaller', () => {
  it('lets a caller through a field with no rules, and a verified caller through @authenticated', () => {
    expect(validateCaller(field({ user: null, userScopes: [] }))).toBeUndefined();
    expect(validateCaller(field({ user: staff, typeAuthArgs: {} }))).toBeUndefined();
  });

  it('answers UNAUTHENTICATED (401) to no caller on an @authenticated type or field', () => {
    for (const rule of [{ typeAuthArgs: {} }, { fieldAuthArgs: {} }, { fieldScopes: [['staff']] }]) {
      const error = validateCaller(field({ user: null, userScopes: [], ...rule }));
      expect(error?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', http: { status: 401 } });
    }
  });

  it('answers FORBIDDEN (403) naming the field when no scope set is held, type- or field-level', () => {
    for (const rule of [{ fieldScopes: [['service'], ['partner']] }, { typeScopes: [['service']] }]) {
      const error = validateCaller(field({ user: staff, ...rule }));
      expect(error?.extensions).toMatchObject({ code: 'FORBIDDEN', fields: ['Query.reservation'], http: { status: 403 } });
    }
    expect(validateCaller(field({ user: staff, fieldScopes: [['service'], ['staff']] }))).toBeUndefined();
  });

  it('refuses a @policy field to everyone, since no policy is granted (fail closed, never skipped)', () => {
    expect(validateCaller(field({ user: staff, fieldPolicies: [['read_pii']] }))?.extensions?.code).toBe('FORBIDDEN');
    expect(validateCaller(field({ user: null, userScopes: [], typePolicies: [['read_pii']] }))?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
  });
});
