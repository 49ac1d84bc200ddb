import type { Resolvers } from '../__generated__/resolvers-types.js';
import type { GraphQLContext } from '../context.js';
import { DateScalar, DateTimeScalar } from '../scalars.js';
import { Guest, Participant, Reservation } from './entities.js';
import { Mutation } from './mutation.js';
import { personalDataMutations, personalDataQueries } from './personal-data.js';
import { Query } from './query.js';

export const resolvers: Resolvers<GraphQLContext> = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Query: { ...Query, ...personalDataQueries },
  Mutation: { ...Mutation, ...personalDataMutations },
  Reservation,
  Participant,
  Guest,
};
