import { describe, expect, it } from 'vitest';
import { validateCreateReservation } from '../../../src/domain/index.js';
import {
  aCreateInput,
  aParticipant,
  fieldsOf,
  GUEST_ID,
  OTHER_GUEST_ID,
  participants,
  problemsOf,
  TODAY,
  TRIP_ID,
} from './factories.js';

const create = (overrides: Parameters<typeof aCreateInput>[0] = {}) =>
  validateCreateReservation(aCreateInput(overrides), { today: TODAY });

describe('validating a new reservation', () => {
  it('accepts a valid booking and normalizes it', () => {
    expect(
      create({ guestId: GUEST_ID.toUpperCase(), contact: { email: ' Ada@Example.COM ', phone: '+41 (44) 668-18-00' } }),
    ).toEqual({
      guestId: GUEST_ID,
      tripId: TRIP_ID,
      tripDate: '2027-03-14',
      contact: { email: 'Ada@example.com', phone: '+41446681800' },
      notes: null,
      partnerReference: null,
      participants: [
        {
          guestId: null,
          fullName: 'Ada Lovelace',
          dateOfBirth: null,
          ageCategory: 'ADULT',
          email: null,
          phone: null,
          insurance: null,
        },
      ],
      partySize: 1,
    });
  });

  it('sets the party size to the number of participants', () => {
    expect(create({ participants: participants(7) }).partySize).toBe(7);
  });

  it('accepts 50 participants', () => {
    expect(create({ participants: participants(50) }).partySize).toBe(50);
  });

  it('refuses a party of 0', () => {
    expect(problemsOf(() => create({ participants: [] }))).toEqual([
      { field: 'participants', message: 'must list at least 1 participant' },
    ]);
  });

  it('refuses a party of 1,000 with one problem, not one per participant', () => {
    expect(problemsOf(() => create({ participants: participants(1000) }))).toEqual([
      { field: 'participants', message: 'must list at most 50 participants (it lists 1000)' },
    ]);
  });

  it('refuses 51 participants', () => {
    expect(fieldsOf(() => create({ participants: participants(51) }))).toEqual(['participants']);
  });

  it('refuses a malformed guest id and trip id', () => {
    expect(fieldsOf(() => create({ guestId: 'guest-1', tripId: '1234' }))).toEqual(['guestId', 'tripId']);
  });

  it('refuses a trip date in the past', () => {
    expect(problemsOf(() => create({ tripDate: '2026-11-24' }))).toEqual([
      { field: 'tripDate', message: 'must not be in the past (today is 2026-11-25)' },
    ]);
  });

  it('accepts a trip today', () => {
    expect(create({ tripDate: TODAY }).tripDate).toBe(TODAY);
  });

  it('accepts a trip exactly two years ahead', () => {
    expect(create({ tripDate: '2028-11-25' }).tripDate).toBe('2028-11-25');
  });

  it('refuses a trip more than two years ahead', () => {
    expect(problemsOf(() => create({ tripDate: '2028-11-26' }))).toEqual([
      { field: 'tripDate', message: 'must be at most 2 years ahead (on or before 2028-11-25)' },
    ]);
  });

  it.each(['2027-02-30', '14/03/2027', '2027-3-14', '2027-03-14T10:00:00Z', ''])('refuses the trip date %j', (tripDate) => {
    expect(fieldsOf(() => create({ tripDate }))).toEqual(['tripDate']);
  });

  it.each(['ada', 'ada@', '@example.com', 'ada@example', 'ada lovelace@example.com', 'ada@exa mple.com', 'a..b@example.com'])(
    'refuses the contact e-mail %j',
    (email) => {
      expect(fieldsOf(() => create({ contact: { email } }))).toEqual(['contact.email']);
    },
  );

  it('refuses a contact e-mail longer than 254 characters', () => {
    const email = `${'a'.repeat(60)}@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.example.com`;
    expect(problemsOf(() => create({ contact: { email } }))).toEqual([
      { field: 'contact.email', message: `must be at most 254 characters (it has ${email.length})` },
    ]);
  });

  it('accepts an e-mail with an internationalized domain', () => {
    expect(create({ contact: { email: 'ada@bücher.example' } }).contact.email).toBe('ada@bücher.example');
  });

  it.each(['044 668 18 00', '+0 44', '+41 44 668 18 00 ext 12', `+${'1'.repeat(40)}`])(
    'refuses the contact phone %j',
    (phone) => {
      expect(fieldsOf(() => create({ contact: { email: 'ada@example.com', phone } }))).toEqual(['contact.phone']);
    },
  );

  it('treats a blank phone as no phone', () => {
    expect(create({ contact: { email: 'ada@example.com', phone: '  ' } }).contact.phone).toBeNull();
  });

  it('accepts notes with line breaks and tabs', () => {
    expect(create({ notes: 'Vegetarian meals.\r\n\tArriving late.' }).notes).toBe('Vegetarian meals.\r\n\tArriving late.');
  });

  it('refuses notes with other control characters', () => {
    expect(fieldsOf(() => create({ notes: 'bell\u0007' }))).toEqual(['notes']);
  });

  it('accepts notes of 2,000 characters and refuses 2,001', () => {
    expect(create({ notes: 'n'.repeat(2000) }).notes).toHaveLength(2000);
    expect(fieldsOf(() => create({ notes: 'n'.repeat(2001) }))).toEqual(['notes']);
  });

  it('counts characters, not UTF-16 units, as PostgreSQL does', () => {
    expect(create({ notes: '🏔'.repeat(2000) }).notes).toBe('🏔'.repeat(2000));
  });

  it('accepts SQL-looking text verbatim in notes and names', () => {
    const sql = "'); DROP TABLE reservations.reservations;--";
    const draft = create({ notes: sql, participants: [aParticipant({ fullName: `Robert ${sql}` })] });
    expect(draft.notes).toBe(sql);
    expect(draft.participants[0]?.fullName).toBe(`Robert ${sql}`);
  });

  it('refuses the same guest twice in one party', () => {
    const party = [
      aParticipant({ guestId: OTHER_GUEST_ID }),
      aParticipant(),
      aParticipant({ guestId: OTHER_GUEST_ID.toUpperCase() }),
    ];
    expect(problemsOf(() => create({ participants: party }))).toEqual([
      { field: 'participants.2.guestId', message: 'is the same guest as participants.0: a person is on a reservation once' },
    ]);
  });

  it('collects every problem of the input in one error, with field paths', () => {
    const party = [
      aParticipant(),
      aParticipant({ fullName: '' }),
      aParticipant({ fullName: 'Bo', ageCategory: null, email: 'x' }),
    ];
    expect(fieldsOf(() => create({ guestId: 'x', tripDate: '2020-01-01', participants: party }))).toEqual([
      'guestId',
      'tripDate',
      'participants.1.fullName',
      'participants.2.email',
      'participants.2.dateOfBirth',
    ]);
  });

  it('prefixes field paths with the path of the input', () => {
    expect(fieldsOf(() => validateCreateReservation(aCreateInput({ tripId: 'x' }), { today: TODAY, path: 'input' }))).toEqual([
      'input.tripId',
    ]);
  });

  it('keeps a partner reference, trimmed', () => {
    expect(create({ partnerReference: '  ACME-4711 ' }).partnerReference).toBe('ACME-4711');
  });

  it('requires a partner reference when the caller is a partner', () => {
    const validate = () => validateCreateReservation(aCreateInput(), { today: TODAY, requirePartnerReference: true });
    expect(fieldsOf(validate)).toEqual(['partnerReference']);
  });

  it('refuses a partner reference longer than 128 characters', () => {
    expect(fieldsOf(() => create({ partnerReference: 'r'.repeat(129) }))).toEqual(['partnerReference']);
  });

  it('treats a malformed today as a programming error, not bad input', () => {
    expect(() => validateCreateReservation(aCreateInput(), { today: '25.11.2026' })).toThrow(RangeError);
  });
});
