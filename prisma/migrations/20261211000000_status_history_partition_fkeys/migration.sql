-- status_history's foreign key moves from the partitioned parents to each pair of partitions
-- (BENCHMARKS.md, round two, fourth session). A row of status_history_pYYYY_MM can only belong
-- to a reservation of reservations_pYYYY_MM (same key, same bounds), so the key now says exactly
-- that: status_history_pYYYY_MM → reservations_pYYYY_MM, and the DEFAULT partitions to each
-- other. Checked against one plain table, a history row's check costs ~7 µs instead of ~60 µs
-- (planning a query over every partition of `reservations` each time), on every booking and
-- every status change. Same guarantee, same ON DELETE CASCADE.
--
-- reservations.pair_status_history_partitions() keeps the pairs: for every partition of
-- `reservations` it creates the `status_history` partition of the same bounds when missing and
-- adds the pair's key when missing. A `status_history` partition without its reservations
-- partition (a month whose reservations partition could not be created) is dropped when empty
-- and refused otherwise. The partition maintenance (src/db/partitions.ts) calls it in the
-- transaction that creates a month; so does the Runbook's move of stray rows. It returns what it
-- did, one line each. Its callers serialise it (the maintenance's advisory lock, the migration
-- runner's); it locks a table only to create a partition or add a key, not to look.

ALTER TABLE "reservations"."status_history" DROP CONSTRAINT "status_history_reservation_fkey";

CREATE FUNCTION "reservations"."pair_status_history_partitions"() RETURNS SETOF text
  LANGUAGE plpgsql
  AS $$
DECLARE
  part record;
  history_name text;
  has_rows boolean;
BEGIN
  -- History partitions whose bounds no reservations partition has.
  FOR part IN
    SELECT h.oid, h.relname, pg_get_expr(h.relpartbound, h.oid) AS bound
      FROM pg_inherits i JOIN pg_class h ON h.oid = i.inhrelid
     WHERE i.inhparent = '"reservations"."status_history"'::regclass
       AND NOT EXISTS (
         SELECT 1 FROM pg_inherits ri JOIN pg_class r ON r.oid = ri.inhrelid
          WHERE ri.inhparent = '"reservations"."reservations"'::regclass
            AND pg_get_expr(r.relpartbound, r.oid) = pg_get_expr(h.relpartbound, h.oid))
  LOOP
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM "reservations".%I)', part.relname) INTO has_rows;
    IF has_rows THEN
      RAISE EXCEPTION 'reservations.% (%) holds rows but reservations has no partition of the same bounds', part.relname, part.bound
        USING HINT = 'Move the month''s rows out of the DEFAULT partitions first (README, Runbook: partitions).';
    END IF;
    EXECUTE format('DROP TABLE "reservations".%I', part.relname);
    RETURN NEXT format('dropped reservations.%s (empty, no reservations partition of its bounds)', part.relname);
  END LOOP;

  -- Every reservations partition: its history partition and the pair's key.
  FOR part IN
    SELECT r.relname, pg_get_expr(r.relpartbound, r.oid) AS bound,
           (SELECT h.relname FROM pg_inherits hi JOIN pg_class h ON h.oid = hi.inhrelid
             WHERE hi.inhparent = '"reservations"."status_history"'::regclass
               AND pg_get_expr(h.relpartbound, h.oid) = pg_get_expr(r.relpartbound, r.oid)) AS history
      FROM pg_inherits i JOIN pg_class r ON r.oid = i.inhrelid
     WHERE i.inhparent = '"reservations"."reservations"'::regclass
     ORDER BY r.relname
  LOOP
    history_name := coalesce(part.history, 'status_history' || substr(part.relname, length('reservations') + 1));
    IF part.history IS NULL THEN
      EXECUTE format('CREATE TABLE "reservations".%I PARTITION OF "reservations"."status_history" %s', history_name, part.bound);
      RETURN NEXT format('created reservations.%s', history_name);
    END IF;
    IF NOT EXISTS (
      SELECT 1 FROM pg_constraint c
       WHERE c.contype = 'f'
         AND c.conrelid = format('"reservations".%I', history_name)::regclass
         AND c.confrelid = format('"reservations".%I', part.relname)::regclass
         AND c.conkey = ARRAY[(SELECT attnum FROM pg_attribute WHERE attrelid = c.conrelid AND attname = 'reservation_id'),
                              (SELECT attnum FROM pg_attribute WHERE attrelid = c.conrelid AND attname = 'reservation_date')]
         AND c.confdeltype = 'c')
    THEN
      EXECUTE format(
        'ALTER TABLE "reservations".%I ADD CONSTRAINT %I FOREIGN KEY ("reservation_id", "reservation_date") '
        'REFERENCES "reservations".%I ("id", "reservation_date") ON DELETE CASCADE',
        history_name, history_name || '_reservation_fkey', part.relname);
      RETURN NEXT format('added reservations.%s_reservation_fkey', history_name);
    END IF;
  END LOOP;
END
$$;

SELECT count(*) FROM "reservations"."pair_status_history_partitions"();
