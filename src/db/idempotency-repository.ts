import type { IdempotencyRecord, StoredIdempotencyKey } from '../app/ports.js';
import type { ReservationKey } from '../app/views.js';
import { type Db, dateOf, isoOf } from './rows.js';

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

export async function recordIdempotencyKey(
  tx: Db,
  reservation: ReservationKey,
  idempotency: IdempotencyRecord,
  at: Date,
): Promise<void> {
  await tx.idempotencyKey.create({
    data: {
      ...idempotency,
      reservationId: reservation.id,
      reservationDate: dateOf(reservation.reservationDate),
      createdAt: at,
    },
  });
}

export async function isPartnerReferenceTaken(db: Db, partnerId: string, partnerReference: string): Promise<boolean> {
  const taken = await db.partnerReference.findUnique({
    where: { partnerId_partnerReference: { partnerId, partnerReference } },
  });
  return taken !== null;
}

export async function recordPartnerReference(
  tx: Db,
  reservation: ReservationKey,
  partnerId: string,
  partnerReference: string,
): Promise<void> {
  await tx.partnerReference.create({
    data: { partnerId, partnerReference, reservationId: reservation.id, reservationDate: dateOf(reservation.reservationDate) },
  });
}
