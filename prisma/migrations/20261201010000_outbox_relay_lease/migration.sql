-- Who is the outbox relay (src/db/relay-lease.ts, docs/adr/0005-transactional-outbox.md). A session
-- advisory lock alone stays with a frozen process (GC or VM pause) for as long as its connection
-- lives, so leadership is a lease the leader renews by the database clock: a follower that finds it
-- expired, or finds no connection of the holder left, takes it with the next epoch and terminates
-- the holder's connections (fencing: its claimed rows and open transactions die with them).
CREATE TABLE "reservations"."outbox_relay_lease" (
  "name"       varchar(32)    NOT NULL,
  -- Random per relay session; the relay's connections carry it in application_name.
  "holder"     varchar(40),
  -- Fencing token: +1 per take-over; marks are accepted only under the current one.
  "epoch"      bigint         NOT NULL DEFAULT 0,
  "expires_at" timestamptz(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "outbox_relay_lease_pkey" PRIMARY KEY ("name")
);
INSERT INTO "reservations"."outbox_relay_lease" ("name") VALUES ('outbox');
