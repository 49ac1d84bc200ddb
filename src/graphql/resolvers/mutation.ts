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
  createReservation: (_parent, { input }, { deps, actor }) => createReservation(deps, { input, actor }),
  modifyReservation: (_parent, { input }, { deps, actor }) =>
    modifyReservation(deps, {
      id: input.id,
      expectedRev: input.expectedRev,
      input: {
        ...(input.tripDate !== undefined && { tripDate: input.tripDate }),
        ...(input.notes !== undefined && { notes: input.notes }),
        ...(input.contact !== undefined && { contact: input.contact }),
      },
      actor,
    }),
  cancelReservation: (_parent, { input }, { deps, actor }) => transitionReservation(deps, 'cancel', { ...input, actor }),
  confirmReservation: (_parent, { input }, { deps, actor }) => transitionReservation(deps, 'confirm', { ...input, actor }),
  checkInReservation: (_parent, { input }, { deps, actor }) => transitionReservation(deps, 'checkIn', { ...input, actor }),
  completeReservation: (_parent, { input }, { deps, actor }) => transitionReservation(deps, 'complete', { ...input, actor }),
  markReservationNoShow: (_parent, { input }, { deps, actor }) => transitionReservation(deps, 'markNoShow', { ...input, actor }),
  addParticipant: (_parent, { input }, { deps, actor }) => addParticipant(deps, { ...input, actor }),
  updateParticipant: (_parent, { input }, { deps, actor }) => updateParticipantDetails(deps, { ...input, actor }),
  removeParticipant: (_parent, { input }, { deps, actor }) => removeParticipant(deps, { ...input, actor }),
  addInsurance: (_parent, { input }, { deps, actor }) => addInsurance(deps, { ...input, actor }),
  removeInsurance: (_parent, { input }, { deps, actor }) => removeInsurance(deps, { ...input, actor }),
};
