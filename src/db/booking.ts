import type { NewBooking } from '../app/ports.js';
import type { ReservationView } from '../app/views.js';
import { Prisma } from './__generated__/prisma/client.js';
import { type ReservationRow, type SqlPool, viewOfRow } from './reservation-reads.js';
import { RESERVATION_COLUMNS } from './rows.js';

/**
 * A new booking as one statement: a CTE per table (reservation, participants, first history row,
 * idempotency key, partner reference, outbox) instead of an interactive transaction of ~8 round
 * trips (BEGIN, five INSERTs through the query builder, COMMIT). One statement is atomic on its
 * own: a taken unique key fails all of it, as the transaction's rollback did. The foreign keys of
 * the child rows are checked at the end of the statement, when the reservation row is there.
 * The outbox trigger NOTIFYs the relay at commit, as before.
 *
 * Sent through `pg` as one named statement (prepared once per connection), as the hottest reads
 * are: through Prisma's `$queryRaw` each of a booking's statements cost ~0.3 ms more CPU
 * (BENCHMARKS.md). A taken unique key comes back as PostgreSQL's error 23505 (Store maps it).
 *
 * The foreign-key checks at the end of the statement are planned for their values every time:
 * `checks_planned_each_time` sets `force_custom_plan` for this transaction only (`set_config(…,
 * true)` reverts at commit or rollback, so the pooled connection's next statement sees the
 * default). Under the default, a check against a plain table (status_history_pX →
 * reservations_pX) goes generic after five runs, and that plan, cached for the connection's life,
 * was made with the statistics the current month's partition had then: seen small by VACUUM, a
 * sequential scan, read at every booking as the partition grew (36k scans reading 163M rows in
 * one small-size write run on a server without autovacuum; BENCHMARKS.md, round two, fifth
 * session). Forcing generic plans instead saved ~0.1 ms of PostgreSQL's CPU a booking but cached
 * the same trap for the checks against the partitioned parent. The booking statement's own plan
 * was chosen before it ran and is not affected.
 */
export async function insertBooking(pool: SqlPool, booking: NewBooking): Promise<ReservationView> {
  const { reservation: r, participants, history: h, idempotency, outbox } = booking;
  const p = (pick: (participant: NewBooking['participants'][number]) => unknown) => participants.map(pick);
  const partner = r.partnerId && r.partnerReference ? [r.partnerId, r.partnerReference] : [];
  const statement = Prisma.sql`
    WITH r AS (
      INSERT INTO reservations.reservations AS r (id, reservation_date, confirmation_code, status, guest_id, trip_id,
             trip_date, party_size, contact_email, contact_phone, notes, partner_id, partner_reference, _rev, created_at, updated_at)
      VALUES (${r.id}::uuid, ${r.reservationDate}::date, ${r.confirmationCode}, ${r.status}::reservations.reservation_status,
             ${r.guestId}::uuid, ${r.tripId}::uuid, ${r.tripDate}::date, ${participants.length}::smallint, ${r.contactEmail},
             ${r.contactPhone}, ${r.notes}, ${r.partnerId}, ${r.partnerReference}, 1, ${r.createdAt}::timestamptz, ${r.createdAt}::timestamptz)
      RETURNING ${RESERVATION_COLUMNS}
    ), participants AS (
      INSERT INTO reservations.participants (id, reservation_id, reservation_date, guest_id, position, full_name, date_of_birth,
             age_category, email, phone, insurance_plan, insurance_premium_cents, insurance_currency, insurance_status,
             created_at, updated_at)
      SELECT n.id, ${r.id}::uuid, ${r.reservationDate}::date, n.guest_id, n.position, n.full_name, n.date_of_birth,
             n.age_category::reservations.age_category, n.email, n.phone, n.plan, n.premium, n.currency,
             CASE WHEN n.plan IS NULL THEN NULL ELSE 'ACTIVE'::reservations.insurance_status END,
             ${r.createdAt}::timestamptz, ${r.createdAt}::timestamptz
        FROM unnest(${p((x) => x.id)}::uuid[], ${p((x) => x.guestId)}::uuid[], ${p((x) => x.position)}::smallint[],
                    ${p((x) => x.fullName)}::text[], ${p((x) => x.dateOfBirth)}::date[], ${p((x) => x.ageCategory)}::text[],
                    ${p((x) => x.email)}::text[], ${p((x) => x.phone)}::text[], ${p((x) => x.insurance?.plan ?? null)}::text[],
                    ${p((x) => x.insurance?.premiumCents ?? null)}::int[], ${p((x) => x.insurance?.currency ?? null)}::text[])
             AS n(id, guest_id, position, full_name, date_of_birth, age_category, email, phone, plan, premium, currency)
    ), history AS (
      INSERT INTO reservations.status_history (reservation_id, reservation_date, from_status, to_status, rev, reason, actor, changed_at)
      VALUES (${r.id}::uuid, ${r.reservationDate}::date, ${h.from}::reservations.reservation_status,
             ${h.to}::reservations.reservation_status, ${h.rev}, ${h.reason}, ${h.actor}, ${h.at}::timestamptz)
    ), idempotency AS (
      INSERT INTO reservations.idempotency_keys (scope, key, request_hash, reservation_id, reservation_date, created_at)
      SELECT k[1], k[2], k[3], ${r.id}::uuid, ${r.reservationDate}::date, ${r.createdAt}::timestamptz
        FROM (SELECT ${idempotency ? [idempotency.scope, idempotency.key, idempotency.requestHash] : []}::text[] AS k) i
       WHERE cardinality(k) = 3
    ), partner AS (
      INSERT INTO reservations.partner_references (partner_id, partner_reference, reservation_id, reservation_date)
      SELECT k[1], k[2], ${r.id}::uuid, ${r.reservationDate}::date
        FROM (SELECT ${partner}::text[] AS k) pr
       WHERE cardinality(k) = 2
    ), outbox AS (
      INSERT INTO reservations.outbox (id, kind, aggregate_type, aggregate_id, type, destination, payload, headers)
      SELECT o.id, o.kind, 'reservation', o.aggregate_id, o.type, o.destination, o.payload::jsonb, o.headers::jsonb
        FROM unnest(${outbox.map((e) => e.id)}::uuid[], ${outbox.map((e) => e.kind)}::text[],
                    ${outbox.map((e) => e.aggregateId)}::uuid[], ${outbox.map((e) => e.type)}::text[],
                    ${outbox.map((e) => e.destination)}::text[], ${outbox.map((e) => JSON.stringify(e.payload))}::text[],
                    ${outbox.map((e) => JSON.stringify(e.headers))}::text[])
             AS o(id, kind, aggregate_id, type, destination, payload, headers)
    ), checks_planned_each_time AS (
      SELECT set_config('plan_cache_mode', 'force_custom_plan', true)
    )
    SELECT r.* FROM r CROSS JOIN checks_planned_each_time`;
  const { rows } = await pool.query<ReservationRow>({ name: 'insert-booking', text: statement.text, values: statement.values });
  const [row] = rows;
  if (!row) throw new Error(`the booking ${r.id} returned no row`);
  return viewOfRow(row);
}
