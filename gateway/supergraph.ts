import { readFileSync } from 'node:fs';
import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { STUB_SUBGRAPHS, stubSubgraphSdl } from '../stubs/subgraphs/index.js';

/**
 * The supergraph of this repository: our subgraph (schema.graphql) with the guest-profiles and
 * trip-catalog subgraphs (stand-ins in stubs/subgraphs/). `npm run compose` writes it to
 * supergraph.graphql; the gateway serves it, routing each subgraph to its configured URL.
 * Composed with The Guild's composition (MIT); a test keeps `@apollo/composition` (ELv2, tooling
 * only) composing it too, so an Apollo Router can serve the same subgraphs.
 */

export const SUBGRAPHS = ['reservations', ...STUB_SUBGRAPHS] as const;
export type SubgraphName = (typeof SUBGRAPHS)[number];

/** Where the subgraphs listen on a developer machine (`npm start`, `npm run stubs`). */
export const DEFAULT_SUBGRAPH_URLS: Record<SubgraphName, string> = {
  reservations: 'http://localhost:4001/graphql',
  'guest-profiles': 'http://localhost:4105/',
  'trip-catalog': 'http://localhost:4106/',
};

export const supergraphPath = new URL('../supergraph.graphql', import.meta.url);

function sdlOf(name: SubgraphName): string {
  return name === 'reservations' ? readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8') : stubSubgraphSdl(name);
}

/** The subgraphs as composition takes them (`@theguild/federation-composition` or `@apollo/composition`). */
export function subgraphDefinitions(urls: Record<SubgraphName, string> = DEFAULT_SUBGRAPH_URLS) {
  return SUBGRAPHS.map((name) => ({ name, url: urls[name], typeDefs: parse(sdlOf(name)) }));
}

export function composeSupergraph(urls: Record<SubgraphName, string> = DEFAULT_SUBGRAPH_URLS): string {
  const result = composeServices(subgraphDefinitions(urls));
  if (result.errors) {
    throw new Error(`The supergraph does not compose:\n${result.errors.map((error) => `- ${error.message}`).join('\n')}`);
  }
  return `${result.supergraphSdl.trimEnd()}\n`;
}
