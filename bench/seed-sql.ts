/**
 * One set-based statement seeds a range of days: reservations, their participants (1–4), their
 * status history (consistent with the status) and partner references, all derived from md5 of
 * (seed, day, n), so the same size always gives the same data.
 *
 * - ids are UUIDv7 whose 48-bit timestamp is a moment of the booking day (the CHECK
 *   `reservations_id_matches_date` holds); participants share their reservation's millisecond;
 * - confirmation codes are `YYMMDD-` and six Crockford symbols of (n · odd + c) mod 2^30, a
 *   bijection of n, so they are unique within the day and hence overall;
 * - statuses follow the trip date: past trips COMPLETED / CANCELLED / NO_SHOW / EXPIRED, future
 *   ones CONFIRMED / CANCELLED (no PENDING hold, which the deposit sweep would act upon);
 * - the first booking of every `heavyStep`-th day, 500 times, belongs to the heavy guest.
 *
 * Parameters: $1 seed text, $2 first day, $3 day after the last, $4 bookings a day, $5 first day
 * of the data set, $6 heavy guest id, $7 heavy step (days), $8 heavy bookings, $9 guests in the
 * pool, $10 today.
 */
export const SEED_DAYS_SQL = `
WITH base AS (
  SELECT d.day, n, (d.day - $5::date) AS day_index, hh.h, md5(hh.h) AS h2,
         extract(epoch FROM d.day)::bigint * 1000 + ('x' || substr(hh.h, 1, 7))::bit(28)::int % 86400000 AS ms,
         (n::bigint * 747796405 + (d.day - $5::date)::bigint * 2891336453 + 305419896) % 1073741824 AS code_n
    FROM (SELECT ts::date AS day FROM generate_series($2::date, $3::date - 1, interval '1 day') ts) d
   CROSS JOIN generate_series(0, $4::int - 1) n
   CROSS JOIN LATERAL (SELECT md5($1 || d.day::text || ':' || n) AS h) hh
),
drawn AS (
  SELECT b.*,
         lpad(to_hex(b.ms), 12, '0') AS hx,
         ('x' || substr(b.h2, 1, 7))::bit(28)::int % $9::int AS guest_idx,
         b.day + 1 + ('x' || substr(b.h2, 12, 4))::bit(16)::int % 180 AS trip_date,
         1 + ('x' || substr(b.h2, 16, 1))::bit(4)::int % 4 AS party_size,
         ('x' || substr(b.h2, 17, 2))::bit(8)::int % 100 AS roll,
         ('x' || substr(b.h2, 19, 2))::bit(8)::int AS roll2
    FROM base b
),
gen AS MATERIALIZED (
  SELECT x.*,
         CASE x.status
           WHEN 'COMPLETED' THEN ARRAY['PENDING', 'CONFIRMED', 'CHECKED_IN', 'COMPLETED']
           WHEN 'NO_SHOW' THEN ARRAY['PENDING', 'CONFIRMED', 'NO_SHOW']
           WHEN 'EXPIRED' THEN ARRAY['PENDING', 'EXPIRED']
           WHEN 'CONFIRMED' THEN ARRAY['PENDING', 'CONFIRMED']
           ELSE CASE WHEN x.roll2 % 2 = 0 THEN ARRAY['PENDING', 'CANCELLED'] ELSE ARRAY['PENDING', 'CONFIRMED', 'CANCELLED'] END
         END AS path
    FROM (
      SELECT r.day, r.n, r.h, r.guest_idx, r.trip_date, r.party_size, r.roll2,
             (substr(r.hx, 1, 8) || '-' || substr(r.hx, 9, 4) || '-7' || substr(r.h, 8, 3) || '-'
               || substr('89ab', ('x' || substr(r.h, 11, 1))::bit(4)::int % 4 + 1, 1) || substr(r.h, 12, 3) || '-'
               || substr(r.h, 15, 12))::uuid AS id,
             CASE WHEN r.n = 0 AND r.day_index % $7::int = 0 AND r.day_index / $7::int < $8::int THEN $6::uuid
                  ELSE md5('guest:' || r.guest_idx)::uuid END AS guest_id,
             md5('trip:' || ('x' || substr(r.h2, 8, 4))::bit(16)::int % 400)::uuid AS trip_id,
             to_char(r.day, 'YYMMDD') || '-' || (
               SELECT string_agg(substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((r.code_n >> (5 * k)) & 31)::int + 1, 1), '' ORDER BY k DESC)
                 FROM generate_series(0, 5) k) AS confirmation_code,
             to_timestamp(r.ms / 1000.0) AS created_at,
             CASE WHEN r.trip_date < $10::date THEN
               CASE WHEN r.roll < 78 THEN 'COMPLETED' WHEN r.roll < 88 THEN 'CANCELLED' WHEN r.roll < 94 THEN 'NO_SHOW' ELSE 'EXPIRED' END
             ELSE CASE WHEN r.roll < 90 THEN 'CONFIRMED' ELSE 'CANCELLED' END END AS status
        FROM drawn r
    ) x
),
ins_r AS (
  INSERT INTO reservations.reservations (id, reservation_date, confirmation_code, guest_id, trip_id, trip_date, status,
      party_size, contact_email, contact_phone, notes, partner_id, partner_reference, _rev, created_at, updated_at,
      deposit_status, payment_id, deposit_settled_at)
  SELECT g.id, g.day, g.confirmation_code, g.guest_id, g.trip_id, g.trip_date, g.status::reservations.reservation_status,
         g.party_size, 'guest' || g.guest_idx || '@example.com',
         CASE WHEN g.roll2 % 2 = 0 THEN '+4930' || lpad(g.guest_idx::text, 8, '0') END,
         CASE WHEN g.roll2 % 5 = 0 THEN 'Vegetarian meals for the whole party' END,
         CASE WHEN g.roll2 % 10 = 0 THEN 'partner-' || g.roll2 % 7 END,
         CASE WHEN g.roll2 % 10 = 0 THEN g.confirmation_code END,
         cardinality(g.path), g.created_at, g.created_at + (cardinality(g.path) - 1) * interval '1 hour',
         (CASE WHEN 'CONFIRMED' = ANY(g.path) THEN 'SETTLED' WHEN g.status = 'CANCELLED' THEN 'DECLINED' ELSE 'PENDING' END)::reservations.deposit_status,
         CASE WHEN 'CONFIRMED' = ANY(g.path) OR g.status = 'CANCELLED' THEN 'pay_' || substr(g.h, 20, 12) END,
         CASE WHEN 'CONFIRMED' = ANY(g.path) THEN g.created_at + interval '1 minute' END
    FROM gen g
  RETURNING 1
),
ins_p AS (
  INSERT INTO reservations.participants (id, reservation_id, reservation_date, guest_id, full_name, date_of_birth,
      age_category, email, phone, insurance_plan, insurance_premium_cents, insurance_currency, insurance_status,
      created_at, updated_at, position)
  SELECT (substr(g.id::text, 1, 15) || substr(p.ph, 1, 3) || '-' || substr('89ab', ('x' || substr(p.ph, 4, 1))::bit(4)::int % 4 + 1, 1)
            || substr(p.ph, 5, 3) || '-' || substr(p.ph, 8, 12))::uuid,
         g.id, g.day, CASE WHEN k = 0 THEN g.guest_id END,
         (ARRAY['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Margaret', 'Niklaus'])[1 + p.a % 10] || ' '
           || (ARRAY['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Hamilton', 'Wirth'])[1 + p.b % 10],
         NULL,
         (CASE WHEN k = 0 THEN 'ADULT' ELSE (ARRAY['ADULT', 'ADULT', 'YOUTH', 'CHILD', 'INFANT'])[1 + p.a % 5] END)::reservations.age_category,
         CASE WHEN k = 0 THEN 'guest' || g.guest_idx || '@example.com' END, NULL,
         CASE WHEN p.b % 10 < 3 THEN 'STANDARD' END, CASE WHEN p.b % 10 < 3 THEN 4900 END,
         CASE WHEN p.b % 10 < 3 THEN 'EUR' END,
         CASE WHEN p.b % 10 < 3 THEN 'ACTIVE'::reservations.insurance_status END,
         g.created_at, g.created_at, k
    FROM gen g
   CROSS JOIN generate_series(0, g.party_size - 1) k
   CROSS JOIN LATERAL (
     SELECT md5(g.h || ':p' || k) AS ph,
            ('x' || substr(md5(g.h || ':p' || k), 20, 4))::bit(16)::int AS a,
            ('x' || substr(md5(g.h || ':p' || k), 24, 4))::bit(16)::int AS b
   ) p
  RETURNING 1
),
ins_h AS (
  INSERT INTO reservations.status_history (reservation_id, reservation_date, from_status, to_status, rev, reason, actor, changed_at)
  SELECT g.id, g.day, g.path[s.i - 1]::reservations.reservation_status, s.to_status::reservations.reservation_status, s.i,
         CASE WHEN s.to_status = 'CANCELLED' THEN 'guest asked to cancel' END,
         CASE s.to_status WHEN 'PENDING' THEN 'guest:' || g.guest_idx WHEN 'CONFIRMED' THEN 'system:payments' ELSE 'staff:operations' END,
         g.created_at + (s.i - 1) * interval '1 hour'
    FROM gen g
   CROSS JOIN LATERAL unnest(g.path) WITH ORDINALITY AS s(to_status, i)
  RETURNING 1
),
ins_pr AS (
  INSERT INTO reservations.partner_references (partner_id, partner_reference, reservation_id, reservation_date)
  SELECT 'partner-' || g.roll2 % 7, g.confirmation_code, g.id, g.day FROM gen g WHERE g.roll2 % 10 = 0
  RETURNING 1
)
SELECT (SELECT count(*) FROM ins_r) AS reservations, (SELECT count(*) FROM ins_p) AS participants,
       (SELECT count(*) FROM ins_h) AS history`;
