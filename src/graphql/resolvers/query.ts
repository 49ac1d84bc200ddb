import type { GraphQLResolveInfo } from 'graphql';
import type { ReservationView } from '../../app/views.js';
import { findByPartnerReference, searchReservations } from '../../db/reservation-repository.js';
import { BadUserInputError, canRead, isUuid, parseConfirmationCode, parseUuid, reservationDateOfId } from '../../domain/index.js';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { callerOf, type GraphQLContext } from '../context.js';
import { connection, decodeCursor, pageSize } from '../pagination.js';
import { selectsField } from '../selection.js';

/** What the caller may see of a loaded reservation: all of it, or nothing (no hint it exists). */
export function visible(reservation: ReservationView | null, context: GraphQLContext): ReservationView | null {
  return reservation && context.caller && canRead(context.caller, reservation) ? reservation : null;
}

export async function reservationById(
  raw: string,
  context: GraphQLContext,
  field: string,
  info?: GraphQLResolveInfo,
): Promise<ReservationView | null> {
  const id = parseUuid(raw);
  if (!id) throw new BadUserInputError([{ field, message: 'must be a reservation id (a UUID)' }]);
  const reservationDate = reservationDateOfId(id);
  return reservationDate ? visible(await reservationLoader(context, info).load({ id, reservationDate }), context) : null;
}

/** The loader that also reads the participants when the query asks for them: one statement instead of two. */
export function reservationLoader(context: GraphQLContext, info: GraphQLResolveInfo | undefined) {
  return info && selectsField(info, 'participants') ? context.loaders.reservationWithParticipants : context.loaders.reservation;
}

export async function reservationByCode(code: string, context: GraphQLContext, field: string): Promise<ReservationView | null> {
  const parsed = parseConfirmationCode(code);
  if (!parsed) throw new BadUserInputError([{ field, message: 'must be a confirmation code like 261125-K7Q2XD' }]);
  return visible(
    await context.loaders.reservationByCode.load({ confirmationCode: parsed.code, reservationDate: parsed.reservationDate }),
    context,
  );
}

export const Query: QueryResolvers<GraphQLContext> = {
  reservation: async (_parent, { id, confirmationCode }, context, info) => {
    if ((id == null) === (confirmationCode == null)) {
      throw new BadUserInputError([
        { field: id == null ? 'id' : 'confirmationCode', message: 'give exactly one of id and confirmationCode' },
      ]);
    }
    return id != null
      ? reservationById(id, context, 'id', info)
      : reservationByCode(confirmationCode ?? '', context, 'confirmationCode');
  },

  reservations: async (_parent, { filter: asked, first, after }, context) => {
    // Guests search their own bookings, partners theirs, whatever the filter says.
    const { caller } = callerOf(context);
    const filter = {
      ...asked,
      ...(caller.role === 'guest' && { guestId: caller.guestId }),
      ...(caller.role === 'partner' && { partnerId: caller.partnerId }),
    };
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
      context.db,
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

  reservationByPartnerReference: async (_parent, { partnerReference, partnerId: asked }, context) => {
    const { caller } = callerOf(context);
    // A partner looks up their own references, whatever partnerId says.
    const partnerId = caller.role === 'partner' ? caller.partnerId : asked;
    if (!partnerId) throw new BadUserInputError([{ field: 'partnerId', message: 'name the partner' }]);
    return visible(await findByPartnerReference(context.db, partnerId, partnerReference), context);
  },
};
