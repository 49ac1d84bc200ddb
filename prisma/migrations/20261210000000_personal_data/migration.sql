-- Personal data erasure and retention (README, Personal data; src/db/personal-data.ts).
-- A reservation whose personal data is gone altogether (its booker erased, or its retention
-- passed) says so, and the retention job finds the ones still to do through a partial index that
-- shrinks as it works. Adding a nullable column without a default rewrites no partition.
ALTER TABLE "reservations"."reservations" ADD COLUMN "personal_data_erased_at" timestamptz(3);
CREATE INDEX "reservations_trip_date_idx" ON "reservations"."reservations" ("trip_date")
  WHERE "personal_data_erased_at" IS NULL;

-- A guest who is only a participant of others' bookings is found without a scan.
CREATE INDEX "participants_guest_id_idx" ON "reservations"."participants" ("guest_id")
  WHERE "guest_id" IS NOT NULL;

-- Erasure scrubs the outbox rows of a reservation (notifications hold the contact e-mail).
CREATE INDEX "outbox_aggregate_id_idx" ON "reservations"."outbox" ("aggregate_id");

-- Every erasure, with who asked and why: not a status change, so not in status_history. It holds
-- ids only (and the staff's reason), never the erased values.
CREATE TABLE "reservations"."personal_data_erasures" (
  "id"               bigserial      NOT NULL,
  "reservation_id"   uuid           NOT NULL,
  "reservation_date" date           NOT NULL,
  "guest_id"         uuid,
  "scope"            varchar(16)    NOT NULL,
  "rev"              integer        NOT NULL,
  "fields_cleared"   integer        NOT NULL,
  "actor"            varchar(200)   NOT NULL,
  "reason"           varchar(500)   NOT NULL,
  "erased_at"        timestamptz(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "personal_data_erasures_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "personal_data_erasures_scope" CHECK ("scope" IN ('reservation', 'participant'))
);
CREATE INDEX "personal_data_erasures_reservation_id_reservation_date_idx"
  ON "reservations"."personal_data_erasures" ("reservation_id", "reservation_date");
CREATE INDEX "personal_data_erasures_guest_id_idx" ON "reservations"."personal_data_erasures" ("guest_id");
