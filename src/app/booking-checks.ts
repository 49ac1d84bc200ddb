import { BadUserInputError, GuestInvalidError, type ReservationDraft, UnavailableError } from '../domain/index.js';
import type { OutboundLookups, Trip } from './outbound.js';

/**
 * What other services must agree to before a booking is written: the guest and every participant
 * with a guest profile are ACTIVE (one guest-profiles call for all of them), and the trip has room
 * for the party on that date (one catalog call each for the trip and its availability). The
 * loaders are the request's: several bookings in one request share their guest and trip lookups.
 */
export async function checkBooking(loaders: OutboundLookups, draft: ReservationDraft): Promise<Trip> {
  const participantGuests = draft.participants.map((participant, index) => ({ index, guestId: participant.guestId }));
  const [guestStatus, participantStatuses, trip, availability] = await Promise.all([
    loaders.guestStatus.load(draft.guestId),
    Promise.all(participantGuests.map(({ guestId }) => (guestId ? loaders.guestStatus.load(guestId) : null))),
    loaders.trip.load(draft.tripId),
    loaders.availability.load({ tripId: draft.tripId, tripDate: draft.tripDate, seats: draft.participants.length }),
  ]);
  if (guestStatus !== 'ACTIVE')
    throw new GuestInvalidError('input.guestId', `The guest is ${guestStatus.toLowerCase()} and cannot book.`);
  for (const [position, status] of participantStatuses.entries()) {
    if (status !== null && status !== 'ACTIVE') {
      throw new GuestInvalidError(
        `input.participants.${position}.guestId`,
        `Participant ${position + 1} is ${status.toLowerCase()} in guest profiles.`,
      );
    }
  }
  if (!trip) throw new BadUserInputError([{ field: 'input.tripId', message: 'is not a trip of the catalog' }]);
  if (!availability.available) {
    throw new UnavailableError(
      `The trip has ${availability.seatsLeft} seats left on ${draft.tripDate}; the party needs ${draft.participants.length}.`,
    );
  }
  return trip;
}
