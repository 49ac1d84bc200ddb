import { BadUserInputError, isUuid, parseConfirmationCode, reservationDateOfId } from '../../domain/index.js';
import type { GuestResolvers, ParticipantResolvers, ReservationResolvers } from '../__generated__/resolvers-types.js';
import { callerOf, type GraphQLContext } from '../context.js';
import { connection, decodeCursor, pageSize } from '../pagination.js';
import { reservationLoader, visible } from './query.js';

/**
 * The federation entities. `__resolveReference` goes through the request's loaders, so a gateway
 * batch of N representations costs one statement per type; unknown or malformed keys resolve to
 * null (the gateway treats it as "no such entity").
 */

export const Reservation: ReservationResolvers<GraphQLContext> = {
  __resolveReference: async (reference, context, info) => {
    if ('id' in reference && reference.id != null) {
      const reservationDate = isUuid(reference.id) ? reservationDateOfId(reference.id) : null;
      return reservationDate
        ? visible(await reservationLoader(context, info).load({ id: reference.id, reservationDate }), context)
        : null;
    }
    const parsed = 'confirmationCode' in reference ? parseConfirmationCode(reference.confirmationCode) : null;
    return parsed
      ? visible(
          await context.loaders.reservationByCode.load({
            confirmationCode: parsed.code,
            reservationDate: parsed.reservationDate,
          }),
          context,
        )
      : null;
  },
  guest: (reservation) => ({ id: reservation.guestId }),
  trip: (reservation) => ({ id: reservation.tripId }),
  contact: (reservation) => ({ email: reservation.contactEmail, phone: reservation.contactPhone }),
  participants: (reservation, _args, context) =>
    context.loaders.participantsRead.get(reservation.id) ?? context.loaders.participantsOf.load(reservation),
  statusHistory: (reservation, _args, context) => context.loaders.statusHistoryOf.load(reservation),
};

export const Participant: ParticipantResolvers<GraphQLContext> = {
  __resolveReference: async (reference, context) => {
    const participant = isUuid(reference.id) ? await context.loaders.participant.load(reference.id) : null;
    if (!participant) return null;
    // Visible exactly when its reservation is.
    const reservation = await context.loaders.reservation.load({
      id: participant.reservationId,
      reservationDate: participant.reservationDate,
    });
    return visible(reservation, context) ? participant : null;
  },
  reservation: async (participant, _args, context) => {
    const reservation = await context.loaders.reservation.load({
      id: participant.reservationId,
      reservationDate: participant.reservationDate,
    });
    // A participant cannot outlive its reservation (foreign key, ON DELETE CASCADE).
    if (!reservation) throw new Error(`participant ${participant.id} has no reservation`);
    return reservation;
  },
  guest: (participant) => (participant.guestId ? { id: participant.guestId } : null),
  insurance: (participant) =>
    participant.insurance
      ? {
          plan: participant.insurance.plan,
          status: participant.insurance.status,
          premium: { amountCents: participant.insurance.premiumCents, currency: participant.insurance.currency },
        }
      : null,
};

export const Guest: GuestResolvers<GraphQLContext> = {
  // Guests are owned by guest-profiles; this subgraph only adds their bookings.
  __resolveReference: (reference) => ({ id: reference.id }),
  reservations: async (guest, { filter, first, after }, context) => {
    const { caller } = callerOf(context);
    // A guest sees only their own bookings; a partner only the ones made through them.
    if (!isUuid(guest.id) || (caller.role === 'guest' && caller.guestId !== guest.id.toLowerCase())) {
      return { edges: [], pageInfo: { hasNextPage: false, endCursor: null } };
    }
    if (filter?.tripDateFrom && filter.tripDateTo && filter.tripDateFrom > filter.tripDateTo) {
      throw new BadUserInputError([{ field: 'filter.tripDateTo', message: 'must not be before tripDateFrom' }]);
    }
    const page = await context.loaders.guestReservations.load({
      guest: { id: guest.id },
      filter: {
        ...(filter?.status && { status: filter.status }),
        ...(filter?.tripDateFrom && { tripDateFrom: filter.tripDateFrom }),
        ...(filter?.tripDateTo && { tripDateTo: filter.tripDateTo }),
        ...(caller.role === 'partner' && { partnerId: caller.partnerId }),
      },
      first: pageSize(first),
      cursor: decodeCursor(after),
    });
    return connection(page);
  },
};
