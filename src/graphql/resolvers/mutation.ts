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
import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import type { GraphQLContext } from '../context.js';

/** Translation only: GraphQL arguments in, use case out. Rules live in src/domain, writes in src/app. */
export const Mutation: MutationResolvers<GraphQLContext> = {
  createReservation: (_parent, { input, idempotencyKey }, { deps, actor, requestId }) =>
    createReservation(deps, { input, idempotencyKey, actor, requestId }),
  modifyReservation: (_parent, { input }, { deps, actor, requestId }) =>
    modifyReservation(deps, {
      id: input.id,
      expectedRev: input.expectedRev,
      input: {
        ...(input.tripDate !== undefined && { tripDate: input.tripDate }),
        ...(input.notes !== undefined && { notes: input.notes }),
        ...(input.contact !== undefined && { contact: input.contact }),
      },
      actor,
      requestId,
    }),
  cancelReservation: (_parent, { input }, { deps, actor, requestId }) =>
    transitionReservation(deps, 'cancel', { ...input, actor, requestId }),
  confirmReservation: (_parent, { input }, { deps, actor, requestId }) =>
    transitionReservation(deps, 'confirm', { ...input, actor, requestId }),
  checkInReservation: (_parent, { input }, { deps, actor, requestId }) =>
    transitionReservation(deps, 'checkIn', { ...input, actor, requestId }),
  completeReservation: (_parent, { input }, { deps, actor, requestId }) =>
    transitionReservation(deps, 'complete', { ...input, actor, requestId }),
  markReservationNoShow: (_parent, { input }, { deps, actor, requestId }) =>
    transitionReservation(deps, 'markNoShow', { ...input, actor, requestId }),
  addParticipant: (_parent, { input }, { deps, actor, requestId }) => addParticipant(deps, { ...input, actor, requestId }),
  updateParticipant: (_parent, { input }, { deps, actor, requestId }) =>
    updateParticipantDetails(deps, { ...input, actor, requestId }),
  removeParticipant: (_parent, { input }, { deps, actor, requestId }) => removeParticipant(deps, { ...input, actor, requestId }),
  addInsurance: (_parent, { input }, { deps, actor, requestId }) => addInsurance(deps, { ...input, actor, requestId }),
  removeInsurance: (_parent, { input }, { deps, actor, requestId }) => removeInsurance(deps, { ...input, actor, requestId }),
};
