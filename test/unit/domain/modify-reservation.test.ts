import { describe, expect, it } from 'vitest';
import { validateModifyReservation } from '../../../src/domain/index.js';
import { fieldsOf, problemsOf, TODAY } from './factories.js';

const modify = (input: Parameters<typeof validateModifyReservation>[0]) => validateModifyReservation(input, { today: TODAY });

describe('validating changes to a reservation', () => {
  it('returns only the fields given', () => {
    expect(modify({ tripDate: '2027-01-02' })).toEqual({ tripDate: '2027-01-02' });
  });

  it('changes the contact as a whole, normalized', () => {
    expect(modify({ contact: { email: 'ada@EXAMPLE.com' } })).toEqual({ contact: { email: 'ada@example.com', phone: null } });
  });

  it('clears the notes when they are null', () => {
    expect(modify({ notes: null })).toEqual({ notes: null });
  });

  it('refuses an input that changes nothing', () => {
    expect(problemsOf(() => modify({}))).toEqual([
      { field: 'input', message: 'must give at least one of tripDate, notes and contact' },
    ]);
  });

  it('refuses to clear the trip date or the contact', () => {
    expect(fieldsOf(() => modify({ tripDate: null, contact: null }))).toEqual(['tripDate', 'contact']);
  });

  it('refuses a new trip date in the past', () => {
    expect(fieldsOf(() => modify({ tripDate: '2026-11-01' }))).toEqual(['tripDate']);
  });

  it('refuses a malformed contact e-mail and notes that are too long, together', () => {
    expect(fieldsOf(() => modify({ notes: 'x'.repeat(2001), contact: { email: 'nope' } }))).toEqual(['notes', 'contact.email']);
  });

  it('accepts SQL-looking notes verbatim', () => {
    expect(modify({ notes: "x'); DELETE FROM participants; --" }).notes).toBe("x'); DELETE FROM participants; --");
  });
});
