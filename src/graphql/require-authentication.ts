import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, type SelectionSetNode } from 'graphql';
import type { GraphQLContext } from './context.js';

/** Fields anyone who passed the gateway secret may ask for: the SDL for composition. */
const OPEN_FIELDS = new Set(['_service', '__typename']);

function onlyOpenFields(selectionSet: SelectionSetNode): boolean {
  return selectionSet.selections.every((selection) => selection.kind === Kind.FIELD && OPEN_FIELDS.has(selection.name.value));
}

/**
 * Every operation needs a verified caller, checked once the operation is known and before any
 * resolver runs, except one that asks for nothing but `_service`.
 */
export const requireAuthentication: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ contextValue, operation }) {
        if (contextValue.caller || (operation?.operation === 'query' && onlyOpenFields(operation.selectionSet))) return;
        throw new GraphQLError('Authentication required: send the caller\'s token as "Authorization: Bearer <token>".', {
          extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
        });
      },
    };
  },
};
