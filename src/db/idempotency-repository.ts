import type { StoredIdempotencyKey } from '../app/ports.js';
import type { SqlPool } from './reservation-reads.js';
import type { Db } from './rows.js';

/**
 * Idempotency keys and partners' own references: both unique across all partitions, so each is a
 * table of its own that points at the reservation it was written with.
 */

/** Looked up before every booking that carries a key: through `pg`, as one named statement (booking.ts). */
export async function findIdempotencyKey(pool: SqlPool, scope: string, key: string): Promise<StoredIdempotencyKey | null> {
  const { rows } = await pool.query<StoredIdempotencyKey['reservation'] & { scope: string; key: string; requestHash: string }>({
    name: 'find-idempotency-key',
    text: `SELECT scope, key, request_hash AS "requestHash", reservation_id AS id, reservation_date AS "reservationDate"
             FROM reservations.idempotency_keys WHERE scope = $1 AND key = $2`,
    values: [scope, key],
  });
  const [row] = rows;
  if (!row) return null;
  return {
    scope: row.scope,
    key: row.key,
    requestHash: row.requestHash,
    reservation: { id: row.id, reservationDate: row.reservationDate },
  };
}

export async function isPartnerReferenceTaken(db: Db, partnerId: string, partnerReference: string): Promise<boolean> {
  const taken = await db.partnerReference.findUnique({
    where: { partnerId_partnerReference: { partnerId, partnerReference } },
  });
  return taken !== null;
}
