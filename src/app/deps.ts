import type { OutboundClients } from '../clients/services.js';
import type { PrismaClient } from '../db/__generated__/prisma/client.js';

/** Who asks: recorded as the actor of every status change (`staff:anna`, `partner:acme`). */
export interface Actor {
  kind: 'guest' | 'partner' | 'staff' | 'service' | 'system';
  id: string;
}

export const actorName = (actor: Actor): string => `${actor.kind}:${actor.id}`;

/** What the use cases need from outside; tests pass a fixed clock and a seeded random source. */
export interface AppDeps {
  prisma: PrismaClient;
  clock: () => Date;
  random: (bytes: number) => Uint8Array;
  transactionOptions: { maxWait: number; timeout: number };
  /** Guest profiles, trip catalog, payments; null only where they are not configured (some tests). */
  outbound: OutboundClients | null;
}
