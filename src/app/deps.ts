import type { OutboundLookups, OutboundServices } from './outbound.js';
import type { Store } from './ports.js';

/** Who asks: recorded as the actor of every status change (`staff:anna`, `partner:acme`). */
export interface Actor {
  kind: 'guest' | 'partner' | 'staff' | 'service' | 'system';
  id: string;
}

export const actorName = (actor: Actor): string => `${actor.kind}:${actor.id}`;

/** What the use cases need from outside; tests pass a fixed clock and a seeded random source. */
export interface AppDeps {
  /** Storage: reads and units of work (src/db/store.ts; in memory in test/unit/app). */
  store: Store;
  clock: () => Date;
  random: (bytes: number) => Uint8Array;
  /** Guest profiles, trip catalog, payments; null only where they are not configured (some tests). */
  outbound: OutboundServices | null;
  /**
   * Batched, cached lookups in other services for one GraphQL request (see forOneRequest); absent
   * outside a request (the deposit sweep), where a use case makes its own.
   */
  lookups?: OutboundLookups;
}

/** The deps of one GraphQL request: its own outbound lookups, shared by everything it resolves. */
export function forOneRequest(deps: AppDeps): AppDeps {
  return deps.outbound ? { ...deps, lookups: deps.outbound.loaders() } : deps;
}

/** The request's lookups, or fresh ones for work done outside a request; null without other services. */
export function lookupsOf(deps: AppDeps): OutboundLookups | null {
  return deps.lookups ?? deps.outbound?.loaders() ?? null;
}
