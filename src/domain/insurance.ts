import type { InsuranceStatus } from './enums.js';
import { BadUserInputError } from './errors.js';
import { fieldPath, InputProblems, isRecord } from './field-checks.js';

/**
 * The per-participant insurance add-on: a plan of the insurance catalog, a premium in the minor
 * unit of a currency, and a status. A participant holds at most one add-on; removing it keeps the
 * row as REMOVED (the premium stays on record), and a new one may be added after that.
 */

export interface InsuranceInput {
  plan: string;
  premiumCents: number;
  currency: string;
}

/** Validated terms of an add-on, ready to store. */
export interface InsuranceTerms {
  plan: string;
  premiumCents: number;
  currency: string;
}

export interface Insurance extends InsuranceTerms {
  status: InsuranceStatus;
}

export const MAX_PLAN_LENGTH = 64;
export const MAX_PREMIUM_CENTS = 10_000_000;

/** Records the problems of an add-on under `path` (e.g. `participants.2.insurance`) and returns the normalized terms. */
export function checkInsurance(problems: InputProblems, path: string, input: unknown): InsuranceTerms {
  if (!isRecord(input)) {
    problems.add(path, 'is required');
    return { plan: '', premiumCents: 0, currency: '' };
  }
  // Catalog codes and currency codes are upper case; accepting `standard` or `eur` costs nothing.
  const plan = typeof input.plan === 'string' ? input.plan.trim().toUpperCase() : '';
  if (plan === '') problems.add(fieldPath(path, 'plan'), 'is required');
  else if (plan.length > MAX_PLAN_LENGTH) problems.add(fieldPath(path, 'plan'), `must be at most ${MAX_PLAN_LENGTH} characters`);
  else if (!/^[A-Z0-9_-]+$/.test(plan)) problems.add(fieldPath(path, 'plan'), 'must be a plan code of letters, digits, _ and -');

  const premiumCents = input.premiumCents;
  const premiumValid =
    typeof premiumCents === 'number' && Number.isInteger(premiumCents) && premiumCents >= 0 && premiumCents <= MAX_PREMIUM_CENTS;
  if (!premiumValid) {
    problems.add(
      fieldPath(path, 'premiumCents'),
      `must be a whole number of cents from 0 to ${MAX_PREMIUM_CENTS.toLocaleString('en-US')}`,
    );
  }

  const currency = typeof input.currency === 'string' ? input.currency.trim().toUpperCase() : '';
  if (!/^[A-Z]{3}$/.test(currency)) problems.add(fieldPath(path, 'currency'), 'must be an ISO 4217 currency code such as EUR');

  return { plan, premiumCents: premiumValid ? premiumCents : 0, currency };
}

/** The add-on of the add-insurance operation; `path` names the input (default `insurance`). */
export function validateInsurance(input: InsuranceInput, path = 'insurance'): InsuranceTerms {
  const problems = new InputProblems();
  const terms = checkInsurance(problems, path, input);
  problems.throwIfAny();
  return terms;
}

/** A participant's add-on must be absent or REMOVED before a new one is added. */
export function assertCanAddInsurance(current: Insurance | null, field = 'participantId'): void {
  if (current?.status === 'ACTIVE') {
    throw new BadUserInputError([
      { field, message: `already has active insurance (plan ${current.plan}); remove it before adding another` },
    ]);
  }
}

/** Only an ACTIVE add-on can be removed; returns it, so the caller can mark it REMOVED. */
export function assertCanRemoveInsurance(current: Insurance | null, field = 'participantId'): Insurance & { status: 'ACTIVE' } {
  if (current?.status !== 'ACTIVE') {
    throw new BadUserInputError([
      { field, message: current ? 'has no active insurance to remove (it was already removed)' : 'has no insurance to remove' },
    ]);
  }
  return { ...current, status: 'ACTIVE' };
}
