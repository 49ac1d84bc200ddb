import { readFileSync } from 'node:fs';
import { print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildManifest, partnerManifestPath, readManifest } from '../../../gateway/persisted-operations.js';
import { routedSupergraph } from '../../../gateway/runtime.js';
import { composeSupergraph, supergraphPath } from '../../../gateway/supergraph.js';
import { validateAgainstSupergraph } from '../../../gateway/validate-operations.js';

/** The committed supergraph and partner manifest are what the sources produce (CI's composition check). */
describe('the supergraph', () => {
  it('composes from schema.graphql and the guest-profiles and trip-catalog subgraphs, and supergraph.graphql is current', () => {
    expect(readFileSync(supergraphPath, 'utf8'), 'run npm run compose').toBe(composeSupergraph());
  });

  it('carries the access rules and the cost annotations for the gateway to enforce', () => {
    const supergraph = composeSupergraph();
    expect(supergraph).toMatch(
      /checkInReservation\(input: TransitionInput!\): Reservation! [^\n]*@requiresScopes\(scopes: \[\["service"\], \["staff"\]\]\)/,
    );
    expect(supergraph).toMatch(/^type Reservation [^\n{]*@authenticated/m);
    expect(supergraph).toMatch(
      /reservations\(filter: ReservationSearchFilter![^\n]*@listSize\(slicingArguments: \["first"\], sizedFields: \["edges"\]\)/,
    );
    expect(supergraph).not.toMatch(/@policy\(/);
  });

  it('is routed to where the subgraphs listen, and to nowhere else', () => {
    const routed = print(routedSupergraph(readFileSync(supergraphPath, 'utf8'), { reservations: 'http://10.0.0.1:9/graphql' }));
    expect(routed).toContain('@join__graph(name: "reservations", url: "http://10.0.0.1:9/graphql")');
    expect(routed).toContain('@join__graph(name: "trip-catalog", url: "http://localhost:4106/")');
  });
});

describe('the partner persisted-operation manifest', () => {
  it('is current, in the Apollo persisted query list format, and every operation fits the supergraph', () => {
    const manifest = buildManifest();
    expect(readFileSync(partnerManifestPath, 'utf8'), 'run npm run operations').toBe(`${JSON.stringify(manifest, null, 2)}\n`);
    expect(readManifest()).toEqual(manifest);
    expect(manifest.operations.map((operation) => operation.name).sort()).toEqual([
      'PartnerAddInsurance',
      'PartnerAddParticipant',
      'PartnerCancelReservation',
      'PartnerConfirmReservation',
      'PartnerCreateReservation',
      'PartnerModifyReservation',
      'PartnerRemoveInsurance',
      'PartnerRemoveParticipant',
      'PartnerReservationByReference',
      'PartnerUpdateParticipant',
    ]);
    expect(validateAgainstSupergraph(manifest.operations)).toEqual([]);
  });

  it('finds an operation that no longer fits the supergraph', () => {
    const broken = [{ id: 'x', name: 'Broken', type: 'query' as const, body: 'query Broken { reservation(id: "1") { nope } }' }];
    expect(validateAgainstSupergraph(broken)[0]).toMatch(/Broken: Cannot query field "nope"/);
  });
});
