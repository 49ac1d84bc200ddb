import { composeServices } from '@apollo/composition';
import { composeServices as composeWithTheGuild } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { subgraphDefinitions } from '../../gateway/supergraph.js';
import { useService } from '../support/service.js';

const test = useService();

/** The smallest guest-profiles subgraph that owns Guest. */
const guestProfilesSdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
  type Guest @key(fields: "id") { id: ID! name: String! }
  type Query { guest(id: ID!): Guest }
`;

describe('the subgraph SDL', () => {
  it('is served by _service and composes with a Guest-owning subgraph into a supergraph', async () => {
    const result = await test.graphql<{ _service: { sdl: string } }>('{ _service { sdl } }');
    const sdl = result.data?._service.sdl ?? '';
    expect(sdl).toContain('type Reservation');
    const composition = composeServices([
      { name: 'reservations', url: 'http://reservations/graphql', typeDefs: parse(sdl) },
      { name: 'guest-profiles', url: 'http://guests/graphql', typeDefs: parse(guestProfilesSdl) },
    ]);
    expect(composition.errors ?? []).toEqual([]);
    expect(composition.supergraphSdl).toContain('reservations(filter: GuestReservationsFilter');
    // The access rules travel to the supergraph for the router to enforce as well.
    expect(composition.supergraphSdl).toMatch(/type Reservation[^{]*@authenticated/);
  });
});

/**
 * The committed supergraph is composed by The Guild's composition (MIT, gateway/supergraph.ts);
 * Apollo's (ELv2, a dev dependency only) must compose the same subgraphs as well, so an Apollo
 * Router in front of them keeps working — with the same access rules and cost annotations.
 */
describe('the supergraph of this repository', () => {
  it('composes with @apollo/composition as well as with @theguild/federation-composition', () => {
    const apollo = composeServices(subgraphDefinitions());
    const guild = composeWithTheGuild(subgraphDefinitions());
    expect(apollo.errors ?? []).toEqual([]);
    expect(guild.errors ?? []).toEqual([]);
    for (const supergraph of [apollo.supergraphSdl ?? '', guild.supergraphSdl ?? '']) {
      expect(supergraph).toMatch(/type Reservation[^{]*@authenticated/);
      expect(supergraph).toMatch(/checkInReservation\(input: TransitionInput!\): Reservation![^\n]*@requiresScopes/);
      expect(supergraph).toMatch(/@listSize\(slicingArguments: \["first"\], sizedFields: \["edges"\]\)/);
      expect(supergraph).toMatch(/createReservation\([^)]*\): Reservation![^\n]*@cost\(weight: 20\)/);
    }
  });
});
