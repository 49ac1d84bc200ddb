import type { StoredIdempotencyKey } from '../app/ports.js';
import type { SqlPool } from './reservation-reads.js';
import type { Db } from './rows.js';

/**
 * Idempotency keys and partners' own references: both unique across all partitions, so each is a
 * table of its own that points at the reservation it was written with.
 */

/**
 * Looked up before every booking that carries a key, through `pg` and planned each time (no
 * statement name). A named statement's generic plan is cached for the connection's life and was
 * planned with the statistics the table had then: once VACUUM or ANALYZE has seen it empty (a new
 * deployment after `vacuumdb --analyze`, the benchmark's cleanup), its cost is 0, the plan a
 * sequential scan, and every booking on that connection then read every key written since — 79M
 * rows read in two full-size write runs of 10k bookings on a server without autovacuum
 * (BENCHMARKS.md, fifth session). Planned each time, with the table's current size, the lookup
 * takes the primary key as soon as the table has rows.
 */
export async function findIdempotencyKey(pool: SqlPool, scope: string, key: string): Promise<StoredIdempotencyKey | null> {
  const { rows } = await pool.query<StoredIdempotencyKey['reservation'] & { scope: string; key: string; requestHash: string }>(
    `SELECT scope, key, request_hash AS "requestHash", reservation_id AS id, reservation_date AS "reservationDate"
       FROM reservations.idempotency_keys WHERE scope = $1 AND key = $2`,
    [scope, key],
  );
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
