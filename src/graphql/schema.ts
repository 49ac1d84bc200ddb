import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { type GraphQLSchema, parse } from 'graphql';
import { resolvers } from './resolvers/index.js';
import { enforceScopes } from './scopes.js';

export const schemaPath = new URL('../../schema.graphql', import.meta.url);

export function loadTypeDefs(): string {
  return readFileSync(schemaPath, 'utf8');
}

export function buildSchema(): GraphQLSchema {
  return enforceScopes(
    buildSubgraphSchema({ typeDefs: parse(loadTypeDefs()), resolvers: resolvers as GraphQLResolverMap<unknown> }),
  );
}
