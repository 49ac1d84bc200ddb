import { describe, expect, it } from 'vitest';
import {
  assertCanAddParticipant,
  assertCanRemoveParticipant,
  validateParticipant,
  validateParticipantChanges,
} from '../../../src/domain/index.js';
import { aParticipant, fieldsOf, OTHER_GUEST_ID, problemsOf, TODAY } from './factories.js';

const participant = (overrides: Parameters<typeof aParticipant>[0] = {}) =>
  validateParticipant(aParticipant(overrides), { today: TODAY });
const changes = (input: Parameters<typeof validateParticipantChanges>[0]) => validateParticipantChanges(input, { today: TODAY });

describe('validating a participant', () => {
  it('trims the name', () => {
    expect(participant({ fullName: '  Grace Hopper ' }).fullName).toBe('Grace Hopper');
  });

  it('refuses an empty name', () => {
    expect(problemsOf(() => participant({ fullName: '' }))).toEqual([{ field: 'fullName', message: 'must not be empty' }]);
  });

  it('refuses a name of only spaces', () => {
    expect(fieldsOf(() => participant({ fullName: '   ' }))).toEqual(['fullName']);
  });

  it('accepts a name of 200 characters', () => {
    expect(participant({ fullName: 'a'.repeat(200) }).fullName).toHaveLength(200);
  });

  it('refuses a name of 10,000 characters', () => {
    expect(problemsOf(() => participant({ fullName: 'a'.repeat(10_000) }))).toEqual([
      { field: 'fullName', message: 'must be at most 200 characters (it has 10000)' },
    ]);
  });

  it.each([
    ['a NUL', 'Ada\u0000Lovelace'],
    ['a line feed', 'Ada\nLovelace'],
    ['a tab', 'Ada\tLovelace'],
    ['an escape', 'Ada\u001b[31mLovelace'],
    ['a DEL', 'Ada\u007fLovelace'],
    ['a C1 control', 'Ada\u0085Lovelace'],
  ])('refuses a name containing %s', (_, fullName) => {
    expect(problemsOf(() => participant({ fullName }))).toEqual([
      { field: 'fullName', message: 'must not contain control characters or line breaks' },
    ]);
  });

  it('refuses a name with an unpaired surrogate, which cannot be stored', () => {
    expect(fieldsOf(() => participant({ fullName: 'Ada \ud83c' }))).toEqual(['fullName']);
  });

  it('accepts names in any script, with apostrophes and hyphens', () => {
    for (const fullName of ["Seán O'Brien-Núñez", '山田 太郎', 'Ørjan Ødegård', 'Zoë 🏔']) {
      expect(participant({ fullName }).fullName).toBe(fullName);
    }
  });

  it('accepts a date of birth instead of an age category', () => {
    expect(participant({ ageCategory: null, dateOfBirth: '1990-05-17' })).toMatchObject({
      dateOfBirth: '1990-05-17',
      ageCategory: null,
    });
  });

  it('requires a date of birth or an age category', () => {
    expect(problemsOf(() => participant({ ageCategory: undefined }))).toEqual([
      { field: 'dateOfBirth', message: 'is required unless an ageCategory is given' },
    ]);
  });

  it('refuses a date of birth in the future', () => {
    expect(fieldsOf(() => participant({ dateOfBirth: '2026-11-26' }))).toEqual(['dateOfBirth']);
  });

  it('accepts a date of birth of today', () => {
    expect(participant({ dateOfBirth: TODAY }).dateOfBirth).toBe(TODAY);
  });

  it('refuses a date of birth before 1900', () => {
    expect(problemsOf(() => participant({ dateOfBirth: '1899-12-31' }))).toEqual([
      { field: 'dateOfBirth', message: 'must not be before 1900-01-01' },
    ]);
  });

  it('refuses a date of birth that is not a calendar date', () => {
    expect(fieldsOf(() => participant({ dateOfBirth: '1990-02-30' }))).toEqual(['dateOfBirth']);
  });

  it('refuses an unknown age category', () => {
    expect(problemsOf(() => participant({ ageCategory: 'SENIOR' }))).toEqual([
      { field: 'ageCategory', message: 'must be one of ADULT, YOUTH, CHILD, INFANT' },
    ]);
  });

  it('refuses a malformed guest id and keeps a valid one in lower case', () => {
    expect(fieldsOf(() => participant({ guestId: 'not-a-uuid' }))).toEqual(['guestId']);
    expect(participant({ guestId: OTHER_GUEST_ID.toUpperCase() }).guestId).toBe(OTHER_GUEST_ID);
  });

  it('validates the participant’s own e-mail and phone', () => {
    expect(fieldsOf(() => participant({ email: 'grace@', phone: '12' }))).toEqual(['email', 'phone']);
  });

  it('keeps an insurance add-on, normalized', () => {
    expect(participant({ insurance: { plan: 'standard', premiumCents: 4_900, currency: 'eur' } }).insurance).toEqual({
      plan: 'STANDARD',
      premiumCents: 4_900,
      currency: 'EUR',
    });
  });

  it('names insurance problems under the participant', () => {
    expect(fieldsOf(() => participant({ insurance: { plan: '', premiumCents: -1, currency: 'euro' } }))).toEqual([
      'insurance.plan',
      'insurance.premiumCents',
      'insurance.currency',
    ]);
  });

  it('prefixes field paths with the path of the input', () => {
    const validate = () => validateParticipant(aParticipant({ fullName: '' }), { today: TODAY, path: 'input.participant' });
    expect(fieldsOf(validate)).toEqual(['input.participant.fullName']);
  });
});

describe('validating changes to a participant', () => {
  it('returns only the fields given', () => {
    expect(changes({ fullName: ' Grace ', email: null })).toEqual({ fullName: 'Grace', email: null });
  });

  it('refuses an input that changes nothing', () => {
    expect(problemsOf(() => validateParticipantChanges({}, { today: TODAY, path: 'input.changes' }))).toEqual([
      { field: 'input.changes', message: 'must name at least one field to change' },
    ]);
  });

  it('refuses to clear the name', () => {
    expect(fieldsOf(() => changes({ fullName: null }))).toEqual(['fullName']);
  });

  it('refuses an empty name', () => {
    expect(fieldsOf(() => changes({ fullName: '' }))).toEqual(['fullName']);
  });

  it('refuses to clear the date of birth unless an age category is set with it', () => {
    expect(fieldsOf(() => changes({ dateOfBirth: null }))).toEqual(['dateOfBirth']);
    expect(changes({ dateOfBirth: null, ageCategory: 'CHILD' })).toEqual({ dateOfBirth: null, ageCategory: 'CHILD' });
  });

  it('refuses to clear the age category unless a date of birth is set with it', () => {
    expect(fieldsOf(() => changes({ ageCategory: null }))).toEqual(['ageCategory']);
    expect(changes({ ageCategory: null, dateOfBirth: '2015-06-01' })).toEqual({ ageCategory: null, dateOfBirth: '2015-06-01' });
  });

  it('refuses control characters in a new name', () => {
    expect(fieldsOf(() => changes({ fullName: 'Grace\rHopper' }))).toEqual(['fullName']);
  });
});

describe('the size of a party', () => {
  it('cannot lose its last participant', () => {
    expect(problemsOf(() => assertCanRemoveParticipant(1))).toEqual([
      {
        field: 'participantId',
        message: 'is the last participant of the reservation and cannot be removed; cancel the reservation instead',
      },
    ]);
  });

  it('can lose a participant while others remain', () => {
    expect(() => assertCanRemoveParticipant(2)).not.toThrow();
  });

  it('names the field the caller gives', () => {
    expect(fieldsOf(() => assertCanRemoveParticipant(1, 'input.participantId'))).toEqual(['input.participantId']);
  });

  it('cannot grow beyond 50 participants', () => {
    expect(() => assertCanAddParticipant(49)).not.toThrow();
    expect(fieldsOf(() => assertCanAddParticipant(50))).toEqual(['participant']);
  });
});
