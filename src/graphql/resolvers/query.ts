import type { ReservationView } from '../../app/views.js';
import { searchReservations } from '../../db/reservation-repository.js';
import { BadUserInputError, isUuid, parseConfirmationCode, reservationDateOfId } from '../../domain/index.js';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import type { GraphQLContext } from '../context.js';
import { connection, decodeCursor, pageSize } from '../pagination.js';

export async function reservationById(id: string, context: GraphQLContext, field: string): Promise<ReservationView | null> {
  if (!isUuid(id)) throw new BadUserInputError([{ field, message: 'must be a reservation id (a UUID)' }]);
  const reservationDate = reservationDateOfId(id);
  return reservationDate ? context.loaders.reservation.load({ id, reservationDate }) : null;
}

export async function reservationByCode(code: string, context: GraphQLContext, field: string): Promise<ReservationView | null> {
  const parsed = parseConfirmationCode(code);
  if (!parsed) throw new BadUserInputError([{ field, message: 'must be a confirmation code like 261125-K7Q2XD' }]);
  return context.loaders.reservationByCode.load({ confirmationCode: parsed.code, reservationDate: parsed.reservationDate });
}

export const Query: QueryResolvers<GraphQLContext> = {
  reservation: async (_parent, { id, confirmationCode }, context) => {
    if ((id == null) === (confirmationCode == null)) {
      throw new BadUserInputError([
        { field: id == null ? 'id' : 'confirmationCode', message: 'give exactly one of id and confirmationCode' },
      ]);
    }
    return id != null
      ? reservationById(id, context, 'id')
      : reservationByCode(confirmationCode ?? '', context, 'confirmationCode');
  },

  reservations: async (_parent, { filter, first, after }, context) => {
    for (const [field, value] of [
      ['filter.guestId', filter.guestId],
      ['filter.tripId', filter.tripId],
    ] as const) {
      if (value != null && !isUuid(value)) throw new BadUserInputError([{ field, message: 'must be a UUID' }]);
    }
    if (!filter.guestId && !filter.tripId && !filter.partnerId) {
      throw new BadUserInputError([{ field: 'filter', message: 'name a guestId, tripId or partnerId to search by' }]);
    }
    const page = await searchReservations(
      context.deps.prisma,
      {
        ...(filter.guestId && { guestId: filter.guestId }),
        ...(filter.tripId && { tripId: filter.tripId }),
        ...(filter.partnerId && { partnerId: filter.partnerId }),
        ...(filter.status && { status: filter.status }),
        ...(filter.tripDateFrom && { tripDateFrom: filter.tripDateFrom }),
        ...(filter.tripDateTo && { tripDateTo: filter.tripDateTo }),
      },
      pageSize(first),
      decodeCursor(after),
    );
    return connection(page);
  },
};
