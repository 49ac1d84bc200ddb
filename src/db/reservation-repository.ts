import type { ReservationChanges } from '../app/ports.js';
import type { GuestRef, Page, ReservationKey, ReservationView } from '../app/views.js';
import type { ReservationStatus } from '../domain/index.js';
import type { Reservation } from './__generated__/prisma/client.js';
import { Prisma } from './__generated__/prisma/client.js';
import { type ReservationRow, type SqlPool, viewOfRow } from './reservation-reads.js';
import { type Db, dateOf, isoOf, RESERVATION_COLUMNS, reservationView, unique } from './rows.js';

/**
 * The reservations table. Reads by id always name the booking date too, so PostgreSQL prunes to
 * one monthly partition; writes that change an existing reservation are conditional on its
 * `_rev` in the UPDATE itself. Participants and history: participant-repository.ts.
 */

export async function findReservationsByCode(
  db: Db,
  codes: { confirmationCode: string; reservationDate: string }[],
): Promise<ReservationView[]> {
  if (codes.length === 0) return [];
  const rows = await db.reservation.findMany({
    where: {
      confirmationCode: { in: unique(codes.map((code) => code.confirmationCode)) },
      reservationDate: { in: unique(codes.map((code) => code.reservationDate)).map(dateOf) },
    },
  });
  return rows.map(reservationView);
}

/**
 * `UPDATE … SET _rev = _rev + 1 … WHERE id = … AND reservation_date = … AND _rev = expectedRev
 * RETURNING *`: exactly one of any number of concurrent writers holding the same revision wins;
 * the others match no row and get null.
 */
export async function updateReservationAtRev(
  tx: Db,
  key: ReservationKey,
  expectedRev: number,
  changes: ReservationChanges,
  at: Date,
): Promise<ReservationView | null> {
  // The changed row comes back from the UPDATE itself (one round trip, not UPDATE then SELECT).
  const sets: Prisma.Sql[] = [];
  if (changes.status !== undefined) sets.push(Prisma.sql`status = ${changes.status}::reservations.reservation_status`);
  if (changes.tripDate !== undefined) sets.push(Prisma.sql`trip_date = ${changes.tripDate}::date`);
  if (changes.notes !== undefined) sets.push(Prisma.sql`notes = ${changes.notes}`);
  if (changes.contactEmail !== undefined) sets.push(Prisma.sql`contact_email = ${changes.contactEmail}`);
  if (changes.contactPhone !== undefined) sets.push(Prisma.sql`contact_phone = ${changes.contactPhone}`);
  if (changes.partySize !== undefined) sets.push(Prisma.sql`party_size = ${changes.partySize}::smallint`);
  if (changes.depositStatus !== undefined)
    sets.push(Prisma.sql`deposit_status = ${changes.depositStatus}::reservations.deposit_status`);
  if (changes.paymentId !== undefined) sets.push(Prisma.sql`payment_id = ${changes.paymentId}`);
  if (changes.depositSettledAt !== undefined)
    sets.push(Prisma.sql`deposit_settled_at = ${changes.depositSettledAt}::timestamptz`);
  sets.push(Prisma.sql`_rev = r._rev + 1`, Prisma.sql`updated_at = ${at}::timestamptz`);
  const [row] = await tx.$queryRaw<Reservation[]>`
    UPDATE reservations.reservations r SET ${Prisma.join(sets, ', ')}
     WHERE r.id = ${key.id}::uuid AND r.reservation_date = ${key.reservationDate}::date AND r._rev = ${expectedRev}
    RETURNING ${RESERVATION_COLUMNS}`;
  return row ? reservationView(row) : null;
}

export interface ReservationFilter {
  guestId?: string;
  tripId?: string;
  partnerId?: string;
  status?: ReservationStatus[];
  tripDateFrom?: string;
  tripDateTo?: string;
}

/** Keyset position in the newest-trip-first order. */
export interface Cursor {
  tripDate: string;
  id: string;
}

function filterSql(filter: ReservationFilter, cursor: Cursor | null): Prisma.Sql {
  const conditions: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (filter.tripId) conditions.push(Prisma.sql`r.trip_id = ${filter.tripId}::uuid`);
  if (filter.partnerId) conditions.push(Prisma.sql`r.partner_id = ${filter.partnerId}`);
  if (filter.status?.length) conditions.push(Prisma.sql`r.status::text = ANY(${filter.status}::text[])`);
  if (filter.tripDateFrom) conditions.push(Prisma.sql`r.trip_date >= ${filter.tripDateFrom}::date`);
  if (filter.tripDateTo) conditions.push(Prisma.sql`r.trip_date <= ${filter.tripDateTo}::date`);
  if (cursor) conditions.push(Prisma.sql`(r.trip_date, r.id) < (${cursor.tripDate}::date, ${cursor.id}::uuid)`);
  return Prisma.join(conditions, ' AND ');
}

/**
 * The first `first` reservations of each guest (one statement for all guests asking the same
 * page): a LATERAL per guest walks the (guest_id, trip_date) index backwards.
 */
export async function guestReservationPages(
  db: Db,
  guests: GuestRef[],
  filter: Omit<ReservationFilter, 'guestId'>,
  first: number,
  cursor: Cursor | null,
): Promise<Map<string, Page<ReservationView>>> {
  const ids = unique(guests.map((guest) => guest.id));
  // The page size is part of the text (a validated integer): with it, PostgreSQL settles on a
  // generic plan for the one-guest statement after a few runs instead of planning ~125 partitions
  // for every page (8–15 ms, BENCHMARKS.md).
  if (!Number.isInteger(first) || first < 1) throw new RangeError(`page size must be a positive integer, got ${first}`);
  const limit = Prisma.raw(String(first + 1));
  const rows =
    ids.length === 1
      ? await db.$queryRaw<(Reservation & { page_guest: string })[]>`
    SELECT r.guest_id::text AS page_guest, ${RESERVATION_COLUMNS} FROM reservations.reservations r
     WHERE r.guest_id = ${ids[0]}::uuid AND ${filterSql(filter, cursor)}
     ORDER BY r.trip_date DESC, r.id DESC
     LIMIT ${limit}`
      : await db.$queryRaw<(Reservation & { page_guest: string })[]>`
    SELECT g.guest_id::text AS page_guest, ${RESERVATION_COLUMNS}
      FROM unnest(${ids}::uuid[]) AS g(guest_id)
      CROSS JOIN LATERAL (
        SELECT * FROM reservations.reservations r
         WHERE r.guest_id = g.guest_id AND ${filterSql(filter, cursor)}
         ORDER BY r.trip_date DESC, r.id DESC
         LIMIT ${limit}
      ) r`;
  const pages = new Map<string, Page<ReservationView>>(ids.map((id) => [id, { items: [], hasNextPage: false }]));
  for (const row of rows) {
    const page = pages.get(row.page_guest);
    if (!page) continue;
    if (page.items.length < first) page.items.push(reservationView(row));
    else page.hasNextPage = true;
  }
  return pages;
}

export async function searchReservations(
  db: Db,
  filter: ReservationFilter,
  first: number,
  cursor: Cursor | null,
): Promise<Page<ReservationView>> {
  const guest = filter.guestId ? Prisma.sql`r.guest_id = ${filter.guestId}::uuid` : Prisma.sql`TRUE`;
  const rows = await db.$queryRaw<Reservation[]>`
    SELECT ${RESERVATION_COLUMNS} FROM reservations.reservations r
     WHERE ${guest} AND ${filterSql(filter, cursor)}
     ORDER BY r.trip_date DESC, r.id DESC
     LIMIT ${first + 1}`;
  return { items: rows.slice(0, first).map(reservationView), hasNextPage: rows.length > first };
}

/**
 * PENDING reservations created before `createdBefore` (oldest first), looking back `lookbackDays`
 * of booking dates only, so the planner prunes to the recent partitions.
 */
export async function findPendingHolds(
  db: Db,
  options: { createdBefore: Date; lookbackDays: number; withoutPayment?: boolean; limit: number },
): Promise<ReservationView[]> {
  const earliest = new Date(options.createdBefore.getTime() - options.lookbackDays * 86_400_000);
  const rows = await db.reservation.findMany({
    where: {
      status: 'PENDING',
      reservationDate: { gte: dateOf(isoOf(earliest)) },
      createdAt: { lt: options.createdBefore },
      ...(options.withoutPayment && { paymentId: null, depositStatus: 'PENDING' }),
    },
    orderBy: { createdAt: 'asc' },
    take: options.limit,
  });
  return rows.map(reservationView);
}

/** The reservation a partner booked under their own reference, or null. */
export async function findByPartnerReference(
  db: Db,
  partnerId: string,
  partnerReference: string,
): Promise<ReservationView | null> {
  const row = await db.partnerReference.findUnique({
    where: { partnerId_partnerReference: { partnerId, partnerReference } },
    include: { reservation: true },
  });
  return row ? reservationView(row.reservation) : null;
}

/**
 * Bookkeeping of a new booking (not a change a client could conflict with): `_rev` stays. The row
 * as it is now, from the UPDATE itself; null when it had a payment already (nothing changed).
 * Its commit does not wait for the WAL flush (`synchronous_commit` off for this statement's own
 * transaction, set where the row is found): were a machine crash to take it back, payment.processed
 * brings the id and the deposit sweep asks payments again under the same idempotency key
 * (docs/adr/0006). One flush less per booking.
 */
export async function recordPaymentId(pool: SqlPool, key: ReservationKey, paymentId: string): Promise<ReservationView | null> {
  const { rows } = await pool.query<ReservationRow>({
    name: 'record-payment-id',
    text: `UPDATE reservations.reservations r SET payment_id = $3
            WHERE r.id = $1::uuid AND r.reservation_date = $2::date AND r.payment_id IS NULL
              AND set_config('synchronous_commit', 'off', true) IS NOT NULL
           RETURNING ${RESERVATION_COLUMNS.text}`,
    values: [key.id, key.reservationDate, paymentId],
  });
  const [row] = rows;
  if (!row) return null;
  return viewOfRow(row);
}
