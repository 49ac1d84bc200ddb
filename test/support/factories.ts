import { randomUUID } from 'node:crypto';

/** A date `days` after today (UTC), ISO. */
export function daysFromToday(days: number): string {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export function participantInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { fullName: 'Ada Lovelace', ageCategory: 'ADULT', ...overrides };
}

export function reservationInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    guestId: randomUUID(),
    tripId: randomUUID(),
    tripDate: daysFromToday(30),
    contact: { email: 'ada@example.com', phone: '+4930123456' },
    notes: 'Vegetarian meals, please.',
    participants: [
      participantInput(),
      participantInput({ fullName: 'Charles Babbage', dateOfBirth: '1991-12-26', ageCategory: null }),
    ],
    ...overrides,
  };
}

export const RESERVATION_FIELDS = `
  id confirmationCode status rev partySize tripDate reservationDate notes partnerReference
  guest { id } trip { id } contact { email phone }
  participants { id fullName dateOfBirth ageCategory guest { id } insurance { plan status premium { amountCents currency } } }
  statusHistory { from to reason actor rev at }
`;

export const CREATE = `mutation Create($input: CreateReservationInput!) {
  createReservation(input: $input) { ${RESERVATION_FIELDS} }
}`;
