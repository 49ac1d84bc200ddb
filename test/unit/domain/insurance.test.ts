import { describe, expect, it } from 'vitest';
import {
  assertCanAddInsurance,
  assertCanRemoveInsurance,
  assertEditable,
  type Insurance,
  InvalidTransitionError,
  validateInsurance,
} from '../../../src/domain/index.js';
import { fieldsOf, problemsOf } from './factories.js';

const active: Insurance = { plan: 'STANDARD', premiumCents: 4_900, currency: 'EUR', status: 'ACTIVE' };
const removed: Insurance = { ...active, status: 'REMOVED' };

describe('validating an insurance add-on', () => {
  it('accepts a plan code, a premium and a currency', () => {
    expect(validateInsurance({ plan: 'PREMIUM_PLUS-2', premiumCents: 0, currency: 'CHF' })).toEqual({
      plan: 'PREMIUM_PLUS-2',
      premiumCents: 0,
      currency: 'CHF',
    });
  });

  it('accepts the highest premium, 10,000,000 cents', () => {
    expect(validateInsurance({ plan: 'X', premiumCents: 10_000_000, currency: 'USD' }).premiumCents).toBe(10_000_000);
  });

  it.each([-1, 10_000_001, 12.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses the premium %d', (premiumCents) => {
    expect(fieldsOf(() => validateInsurance({ plan: 'STANDARD', premiumCents, currency: 'EUR' }))).toEqual([
      'insurance.premiumCents',
    ]);
  });

  it.each(['', 'GOLD PLAN', 'PLAN;DROP', 'P'.repeat(65)])('refuses the plan code %j', (plan) => {
    expect(fieldsOf(() => validateInsurance({ plan, premiumCents: 100, currency: 'EUR' }))).toEqual(['insurance.plan']);
  });

  it.each(['EU', 'EURO', '€', '978'])('refuses the currency %j', (currency) => {
    expect(fieldsOf(() => validateInsurance({ plan: 'STANDARD', premiumCents: 100, currency }))).toEqual(['insurance.currency']);
  });

  it('names fields under the path the caller gives', () => {
    expect(fieldsOf(() => validateInsurance({ plan: '', premiumCents: 1, currency: 'EUR' }, 'input.insurance'))).toEqual([
      'input.insurance.plan',
    ]);
  });
});

describe('adding and removing insurance', () => {
  it('adds insurance to a participant who has none', () => {
    expect(() => assertCanAddInsurance(null)).not.toThrow();
  });

  it('adds insurance again after the previous one was removed', () => {
    expect(() => assertCanAddInsurance(removed)).not.toThrow();
  });

  it('refuses to add insurance to a participant who already has active insurance', () => {
    expect(problemsOf(() => assertCanAddInsurance(active))).toEqual([
      { field: 'participantId', message: 'already has active insurance (plan STANDARD); remove it before adding another' },
    ]);
  });

  it('removes active insurance and hands it back', () => {
    expect(assertCanRemoveInsurance(active)).toEqual(active);
  });

  it('refuses to remove insurance that was already removed', () => {
    expect(fieldsOf(() => assertCanRemoveInsurance(removed))).toEqual(['participantId']);
  });

  it('refuses to remove insurance a participant never had', () => {
    expect(problemsOf(() => assertCanRemoveInsurance(null, 'input.participantId'))).toEqual([
      { field: 'input.participantId', message: 'has no insurance to remove' },
    ]);
  });

  it('refuses to add insurance on a CANCELLED reservation with INVALID_TRANSITION', () => {
    expect(() => assertEditable('CANCELLED')).toThrow(InvalidTransitionError);
    expect(() => assertEditable('CANCELLED')).toThrow('The reservation is CANCELLED and cannot be changed');
  });
});
