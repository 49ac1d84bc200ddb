import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planErasure } from '../../../src/app/erase-personal-data.js';
import { ageCategoryOn, ERASED_MARKER, eraseParticipant, retentionCutoff } from '../../../src/domain/index.js';

describe('personal data rules', () => {
  it('computes the age category at the trip date from the date of birth', () => {
    expect(ageCategoryOn('2020-06-10', '2022-06-09')).toBe('INFANT');
    expect(ageCategoryOn('2020-06-10', '2022-06-10')).toBe('CHILD');
    expect(ageCategoryOn('2010-01-01', '2027-12-31')).toBe('YOUTH');
    expect(ageCategoryOn('2010-01-01', '2028-01-01')).toBe('ADULT');
  });

  it('puts the retention cutoff the given months back, on the last day of a shorter month', () => {
    expect(retentionCutoff('2029-12-15', 36)).toBe('2026-12-15');
    expect(retentionCutoff('2029-05-31', 3)).toBe('2029-02-28');
  });

  it('erases a participant once: a second erasure clears nothing and the age stays known', () => {
    const date = fc
      .date({ min: new Date('1900-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
    const participant = fc.record({
      fullName: fc.string({ minLength: 1, maxLength: 20 }),
      dateOfBirth: fc.option(date, { nil: null }),
      ageCategory: fc.option(fc.constantFrom('ADULT', 'YOUTH', 'CHILD', 'INFANT' as const), { nil: null }),
      email: fc.option(fc.emailAddress(), { nil: null }),
      phone: fc.option(fc.string({ minLength: 1, maxLength: 12 }), { nil: null }),
    });
    fc.assert(
      fc.property(participant, date, (p, tripDate) => {
        fc.pre(p.dateOfBirth !== null || p.ageCategory !== null);
        const once = eraseParticipant(p, tripDate);
        expect(once.erased).toMatchObject({ fullName: ERASED_MARKER, dateOfBirth: null, email: null, phone: null });
        expect(once.erased.ageCategory).not.toBeNull();
        expect(eraseParticipant(once.erased, tripDate).fieldsCleared).toBe(0);
      }),
      { seed: 16, numRuns: 200 },
    );
  });

  it('plans nothing for a reservation already erased, and only the guest’s rows where they just take part', () => {
    const snapshot = {
      id: 'r',
      reservationDate: '2026-01-01',
      guestId: 'booker',
      tripDate: '2026-02-01',
      erased: false,
      reservation: { contactEmail: 'b@example.org', contactPhone: null, notes: null },
      participants: [
        {
          id: 'p1',
          guestId: 'booker',
          fullName: 'B',
          dateOfBirth: null,
          ageCategory: 'ADULT' as const,
          email: null,
          phone: null,
        },
        { id: 'p2', guestId: 'guest', fullName: 'G', dateOfBirth: null, ageCategory: 'ADULT' as const, email: null, phone: null },
      ],
      reasonsHeld: 0,
      outboxRowsHeld: 0,
    };
    const participantOnly = planErasure(snapshot, 'guest');
    expect(participantOnly).toMatchObject({ scope: 'participant', reservation: null, fieldsCleared: 1 });
    expect(participantOnly?.participants.map((p) => p.id)).toEqual(['p2']);
    const whole = planErasure(snapshot, 'booker');
    expect(whole).toMatchObject({ scope: 'reservation', fieldsCleared: 3, participantsTouched: 2 });
    const erased = {
      ...snapshot,
      erased: true,
      reservation: { contactEmail: ERASED_MARKER, contactPhone: null, notes: null },
      participants: snapshot.participants.map((p) => ({ ...p, fullName: ERASED_MARKER })),
    };
    expect(planErasure(erased, 'booker')).toBeNull();
    expect(planErasure(erased, null)).toBeNull();
  });
});
