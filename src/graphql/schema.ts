import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { type GraphQLSchema, parse } from 'graphql';
import { enforceArgumentChecks } from './argument-checks.js';
import { resolveEntitiesPerSlot } from './entities-per-slot.js';
import { resolvers } from './resolvers/index.js';
import { enforceScopes } from './scopes.js';

export const schemaPath = new URL('../../schema.graphql', import.meta.url);

export function loadTypeDefs(): string {
  return readFileSync(schemaPath, 'utf8');
}

/** Scopes are checked first, then every argument (argument-checks.ts), then the resolver runs. */
export function buildSchema(): GraphQLSchema {
  const subgraph = buildSubgraphSchema({ typeDefs: parse(loadTypeDefs()), resolvers: resolvers as GraphQLResolverMap<unknown> });
  return enforceScopes(enforceArgumentChecks(resolveEntitiesPerSlot(subgraph)));
}
