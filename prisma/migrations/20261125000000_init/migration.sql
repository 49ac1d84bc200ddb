-- svc-reservations: the reservation aggregate (reservations, participants, status_history).
-- reservations and status_history are range-partitioned by reservation_date (the booking's UTC
-- date), one partition a month, created ahead by the partition maintenance job
-- (src/db/partitions.ts); the DEFAULT partitions catch strays and are watched (kept empty).

CREATE SCHEMA IF NOT EXISTS "reservations";

CREATE TYPE "reservations"."reservation_status" AS ENUM (
  'PENDING', 'CONFIRMED', 'CHECKED_IN', 'COMPLETED', 'CANCELLED', 'NO_SHOW', 'EXPIRED'
);
CREATE TYPE "reservations"."age_category" AS ENUM ('ADULT', 'YOUTH', 'CHILD', 'INFANT');
CREATE TYPE "reservations"."insurance_status" AS ENUM ('ACTIVE', 'REMOVED');

-- Reservation ids are UUIDv7: their first 48 bits are the creation time in Unix milliseconds,
-- so the booking date (the partition key) is derivable from the id alone and lookups by id can
-- name their partition. The CHECK below keeps the two from ever disagreeing.
CREATE FUNCTION "reservations"."uuid_v7_date"(id uuid) RETURNS date
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$
    SELECT DATE '1970-01-01'
      + ((('x' || substr(replace(id::text, '-', ''), 1, 12))::bit(48)::bigint) / 86400000)::integer
  $$;

CREATE TABLE "reservations"."reservations" (
  "id"                uuid         NOT NULL,
  "reservation_date"  date         NOT NULL,
  "confirmation_code" varchar(16)  NOT NULL,
  "guest_id"          uuid         NOT NULL,
  "trip_id"           uuid         NOT NULL,
  "trip_date"         date         NOT NULL,
  "status"            "reservations"."reservation_status" NOT NULL DEFAULT 'PENDING',
  "party_size"        smallint     NOT NULL,
  "contact_email"     varchar(254) NOT NULL,
  "contact_phone"     varchar(32),
  "notes"             varchar(2000),
  "partner_id"        varchar(64),
  "partner_reference" varchar(128),
  "_rev"              integer      NOT NULL DEFAULT 1,
  "created_at"        timestamptz(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at"        timestamptz(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "reservations_pkey" PRIMARY KEY ("id", "reservation_date"),
  CONSTRAINT "reservations_id_matches_date" CHECK ("reservation_date" = "reservations"."uuid_v7_date"("id")),
  CONSTRAINT "reservations_party_size_range" CHECK ("party_size" BETWEEN 1 AND 50),
  CONSTRAINT "reservations_rev_positive" CHECK ("_rev" >= 1),
  CONSTRAINT "reservations_partner_pair" CHECK (("partner_id" IS NULL) = ("partner_reference" IS NULL))
) PARTITION BY RANGE ("reservation_date");

CREATE TABLE "reservations"."reservations_default" PARTITION OF "reservations"."reservations" DEFAULT;

-- Past bookings of a guest, newest trip first (Guest.reservations).
CREATE INDEX "reservations_guest_id_trip_date_idx" ON "reservations"."reservations" ("guest_id", "trip_date");
CREATE INDEX "reservations_trip_id_trip_date_idx" ON "reservations"."reservations" ("trip_id", "trip_date");
-- Confirmation codes start with the booking date (YYMMDD-XXXXXX), so a lookup by code names its
-- partition, and uniqueness within the booking date is uniqueness overall.
CREATE UNIQUE INDEX "reservations_confirmation_code_reservation_date_key" ON "reservations"."reservations" ("confirmation_code", "reservation_date");
CREATE INDEX "reservations_partner_id_partner_reference_idx" ON "reservations"."reservations" ("partner_id", "partner_reference");

CREATE TABLE "reservations"."participants" (
  "id"                      uuid         NOT NULL,
  "reservation_id"          uuid         NOT NULL,
  "reservation_date"        date         NOT NULL,
  "guest_id"                uuid,
  "full_name"               varchar(200) NOT NULL,
  "date_of_birth"           date,
  "age_category"            "reservations"."age_category",
  "email"                   varchar(254),
  "phone"                   varchar(32),
  "insurance_plan"          varchar(64),
  "insurance_premium_cents" integer,
  "insurance_currency"      char(3),
  "insurance_status"        "reservations"."insurance_status",
  "created_at"              timestamptz(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at"              timestamptz(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "participants_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "participants_reservation_fkey" FOREIGN KEY ("reservation_id", "reservation_date")
    REFERENCES "reservations"."reservations" ("id", "reservation_date") ON DELETE CASCADE,
  CONSTRAINT "participants_age_known" CHECK ("date_of_birth" IS NOT NULL OR "age_category" IS NOT NULL),
  CONSTRAINT "participants_insurance_complete" CHECK (
    ("insurance_status" IS NULL AND "insurance_plan" IS NULL AND "insurance_premium_cents" IS NULL AND "insurance_currency" IS NULL)
    OR ("insurance_status" IS NOT NULL AND "insurance_plan" IS NOT NULL AND "insurance_premium_cents" >= 0 AND "insurance_currency" IS NOT NULL)
  )
);

CREATE INDEX "participants_reservation_id_reservation_date_idx" ON "reservations"."participants" ("reservation_id", "reservation_date");

-- The event log of the reservation status: one row per transition, appended in the transaction
-- that changes the status. The current status is its projection.
CREATE TABLE "reservations"."status_history" (
  "id"               bigserial    NOT NULL,
  "reservation_id"   uuid         NOT NULL,
  "reservation_date" date         NOT NULL,
  "from_status"      "reservations"."reservation_status",
  "to_status"        "reservations"."reservation_status" NOT NULL,
  "rev"              integer      NOT NULL,
  "reason"           varchar(500),
  "actor"            varchar(200) NOT NULL,
  "changed_at"       timestamptz(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "status_history_pkey" PRIMARY KEY ("id", "reservation_date"),
  CONSTRAINT "status_history_reservation_fkey" FOREIGN KEY ("reservation_id", "reservation_date")
    REFERENCES "reservations"."reservations" ("id", "reservation_date") ON DELETE CASCADE
) PARTITION BY RANGE ("reservation_date");

CREATE TABLE "reservations"."status_history_default" PARTITION OF "reservations"."status_history" DEFAULT;

CREATE UNIQUE INDEX "status_history_reservation_id_reservation_date_rev_key" ON "reservations"."status_history" ("reservation_id", "reservation_date", "rev");
