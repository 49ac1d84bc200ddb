-- Idempotency keys of createReservation, and the uniqueness of a partner's own reference.
-- Both need uniqueness across all partitions, which a partitioned table cannot enforce without its
-- partition key, hence small tables of their own.

CREATE TABLE "reservations"."idempotency_keys" (
  "scope"            varchar(128) NOT NULL,
  "key"              varchar(128) NOT NULL,
  "request_hash"     char(64)     NOT NULL,
  "reservation_id"   uuid         NOT NULL,
  "reservation_date" date         NOT NULL,
  "created_at"       timestamptz(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("scope", "key"),
  CONSTRAINT "idempotency_keys_reservation_fkey" FOREIGN KEY ("reservation_id", "reservation_date")
    REFERENCES "reservations"."reservations" ("id", "reservation_date") ON DELETE CASCADE
);
CREATE INDEX "idempotency_keys_created_at_idx" ON "reservations"."idempotency_keys" ("created_at");

CREATE TABLE "reservations"."partner_references" (
  "partner_id"        varchar(64)  NOT NULL,
  "partner_reference" varchar(128) NOT NULL,
  "reservation_id"    uuid         NOT NULL,
  "reservation_date"  date         NOT NULL,
  CONSTRAINT "partner_references_pkey" PRIMARY KEY ("partner_id", "partner_reference"),
  CONSTRAINT "partner_references_reservation_fkey" FOREIGN KEY ("reservation_id", "reservation_date")
    REFERENCES "reservations"."reservations" ("id", "reservation_date") ON DELETE CASCADE
);
