import type { StoredIdempotencyKey } from '../app/ports.js';
import { type Db, isoOf } from './rows.js';

/**
 * Idempotency keys and partners' own references: both unique across all partitions, so each is a
 * table of its own that points at the reservation it was written with.
 */

export async function findIdempotencyKey(db: Db, scope: string, key: string): Promise<StoredIdempotencyKey | null> {
  const row = await db.idempotencyKey.findUnique({ where: { scope_key: { scope, key } } });
  if (!row) return null;
  return {
    scope: row.scope,
    key: row.key,
    requestHash: row.requestHash,
    reservation: { id: row.reservationId, reservationDate: isoOf(row.reservationDate) },
  };
}

export async function isPartnerReferenceTaken(db: Db, partnerId: string, partnerReference: string): Promise<boolean> {
  const taken = await db.partnerReference.findUnique({
    where: { partnerId_partnerReference: { partnerId, partnerReference } },
  });
  return taken !== null;
}
