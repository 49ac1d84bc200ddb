import { createReservation } from '../../app/create-reservation.js';
import { modifyReservation } from '../../app/modify-reservation.js';
import {
  addInsurance,
  addParticipant,
  removeInsurance,
  removeParticipant,
  updateParticipantDetails,
} from '../../app/participants.js';
import { transitionReservation } from '../../app/transitions.js';
import { assertMayBookFor, assertMayChange, type Change, parseUuid, type TransitionAction } from '../../domain/index.js';
import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import { callerOf, type GraphQLContext } from '../context.js';

/**
 * Translation only: GraphQL arguments in, use case out. Rules live in src/domain, writes in
 * src/app. Every change first checks the caller's role may make it; the use case then checks the
 * caller owns the reservation.
 */
function allowed(context: GraphQLContext, change: Change) {
  const { caller, actor } = callerOf(context);
  assertMayChange(caller, change);
  return { caller, actor, requestId: context.requestId };
}

function transition(action: TransitionAction): NonNullable<MutationResolvers<GraphQLContext>['confirmReservation']> {
  return (_parent, { input }, context) => transitionReservation(context.deps, action, { ...input, ...allowed(context, action) });
}

export const Mutation: MutationResolvers<GraphQLContext> = {
  createReservation: (_parent, { input, idempotencyKey }, context) => {
    const { caller, actor, requestId } = allowed(context, 'create');
    assertMayBookFor(caller, parseUuid(input.guestId) ?? input.guestId);
    return createReservation(context.deps, {
      input,
      idempotencyKey,
      actor,
      requestId,
      partnerId: caller.role === 'partner' ? (caller.partnerId ?? null) : null,
    });
  },
  modifyReservation: (_parent, { input }, context) =>
    modifyReservation(context.deps, {
      id: input.id,
      expectedRev: input.expectedRev,
      input: {
        ...(input.tripDate !== undefined && { tripDate: input.tripDate }),
        ...(input.notes !== undefined && { notes: input.notes }),
        ...(input.contact !== undefined && { contact: input.contact }),
      },
      ...allowed(context, 'modify'),
    }),
  cancelReservation: (_parent, { input }, context) =>
    transitionReservation(context.deps, 'cancel', { ...input, ...allowed(context, 'cancel') }),
  confirmReservation: transition('confirm'),
  checkInReservation: transition('checkIn'),
  completeReservation: transition('complete'),
  markReservationNoShow: transition('markNoShow'),
  addParticipant: (_parent, { input }, context) =>
    addParticipant(context.deps, { ...input, ...allowed(context, 'participants') }),
  updateParticipant: (_parent, { input }, context) =>
    updateParticipantDetails(context.deps, { ...input, ...allowed(context, 'participants') }),
  removeParticipant: (_parent, { input }, context) =>
    removeParticipant(context.deps, { ...input, ...allowed(context, 'participants') }),
  addInsurance: (_parent, { input }, context) => addInsurance(context.deps, { ...input, ...allowed(context, 'insurance') }),
  removeInsurance: (_parent, { input }, context) => removeInsurance(context.deps, { ...input, ...allowed(context, 'insurance') }),
};
