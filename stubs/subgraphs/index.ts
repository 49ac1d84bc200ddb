import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { parse } from 'graphql';

/**
 * Stand-ins for the guest-profiles and trip-catalog subgraphs (owners of Guest and Trip), so the
 * supergraph composes and a real gateway can be run end to end. Every well-formed id is known:
 * names are derived from it, as the REST stubs of stubs/index.ts derive theirs.
 */

export type StubSubgraphName = 'guest-profiles' | 'trip-catalog';
export const STUB_SUBGRAPHS: StubSubgraphName[] = ['guest-profiles', 'trip-catalog'];
export const DEFAULT_SUBGRAPH_PORTS: Record<StubSubgraphName, number> = { 'guest-profiles': 4105, 'trip-catalog': 4106 };

export function stubSubgraphSdl(name: StubSubgraphName): string {
  return readFileSync(new URL(`./${name}.graphql`, import.meta.url), 'utf8');
}

const guest = (id: string) => ({
  id,
  name: `Guest ${id.slice(0, 8)}`,
  email: `${id.slice(0, 8)}@guests.example`,
  loyaltyTier: 'SILVER',
});
const trip = (id: string) => ({ id, name: `Trip ${id.slice(0, 8)}`, region: 'Alps', durationDays: 5 });

const resolvers: Record<StubSubgraphName, GraphQLResolverMap<unknown>> = {
  'guest-profiles': {
    Query: { guest: (_: unknown, { id }: { id: string }) => guest(id) },
    Guest: { __resolveReference: ({ id }: { id: string }) => guest(id) },
  },
  'trip-catalog': {
    Query: { trip: (_: unknown, { id }: { id: string }) => trip(id) },
    Trip: { __resolveReference: ({ id }: { id: string }) => trip(id) },
  },
};

export interface RunningStubSubgraphs {
  urls: Record<StubSubgraphName, string>;
  stop(): Promise<void>;
}

export async function startStubSubgraphs(
  ports: Partial<Record<StubSubgraphName, number>> = {},
  host = '127.0.0.1',
): Promise<RunningStubSubgraphs> {
  const servers: ApolloServer[] = [];
  const urls = {} as Record<StubSubgraphName, string>;
  for (const name of STUB_SUBGRAPHS) {
    const server = new ApolloServer({
      schema: buildSubgraphSchema({ typeDefs: parse(stubSubgraphSdl(name)), resolvers: resolvers[name] }),
      plugins: [ApolloServerPluginInlineTraceDisabled()],
    });
    const { url } = await startStandaloneServer(server, { listen: { port: ports[name] ?? DEFAULT_SUBGRAPH_PORTS[name], host } });
    servers.push(server);
    urls[name] = url.replace('localhost', host);
  }
  return { urls, stop: async () => void (await Promise.all(servers.map((server) => server.stop()))) };
}
