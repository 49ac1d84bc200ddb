import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildManifest, partnerManifestPath, readManifest } from '../../../gateway/persisted-operations.js';
import { scopeRules, withoutSecurityFeatures } from '../../../gateway/security.js';
import { composeSupergraph, supergraphPath } from '../../../gateway/supergraph.js';
import { validateAgainstSupergraph } from '../../../gateway/validate-operations.js';

/** The committed supergraph and partner manifest are what the sources produce (CI's composition check). */
describe('the supergraph', () => {
  it('composes from schema.graphql and the guest-profiles and trip-catalog subgraphs, and supergraph.graphql is current', () => {
    expect(readFileSync(supergraphPath, 'utf8'), 'run npm run compose').toBe(composeSupergraph());
  });

  it('carries the access rules, and hands the query planner a supergraph without them', () => {
    const supergraph = composeSupergraph();
    expect(scopeRules(supergraph).get('Mutation.checkInReservation')).toEqual([['service'], ['staff']]);
    const stripped = withoutSecurityFeatures(supergraph);
    expect(scopeRules(stripped).size).toBe(0);
    expect(stripped).not.toMatch(/directive @(requiresScopes|authenticated)|specs\.apollo\.dev\/(authenticated|requiresScopes)/);
    expect(stripped).not.toMatch(/^type \w+[^\n{]*@authenticated/m);
    expect(stripped).toContain('checkInReservation');
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
