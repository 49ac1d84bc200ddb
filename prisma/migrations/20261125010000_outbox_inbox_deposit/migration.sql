-- Transactional outbox (events for Kafka, notifications for svc-notifications), the inbox of
-- consumed messages, and the deposit state of a reservation.

CREATE TYPE "reservations"."deposit_status" AS ENUM ('PENDING', 'SETTLED', 'DECLINED');

ALTER TABLE "reservations"."reservations"
  ADD COLUMN "deposit_status"     "reservations"."deposit_status" NOT NULL DEFAULT 'PENDING',
  ADD COLUMN "payment_id"         varchar(64),
  ADD COLUMN "deposit_settled_at" timestamptz(3);

-- The party keeps the order in which it was given (ids of one request share a millisecond).
ALTER TABLE "reservations"."participants" ADD COLUMN "position" smallint NOT NULL DEFAULT 0;

-- Written in the transaction of the change that promises it; published after commit by the relay
-- (src/events/outbox-relay.ts). Column names follow Debezium's outbox convention (aggregate_type,
-- aggregate_id, type, payload) so a CDC relay could replace the poller. `seq` orders the rows:
-- changes of one reservation are serialized by its row lock, so their seq order is commit order.
CREATE TABLE "reservations"."outbox" (
  "seq"             bigserial    NOT NULL,
  "id"              uuid         NOT NULL,
  "kind"            varchar(16)  NOT NULL,
  "aggregate_type"  varchar(32)  NOT NULL,
  "aggregate_id"    uuid         NOT NULL,
  "type"            varchar(64)  NOT NULL,
  "destination"     varchar(128) NOT NULL,
  "payload"         jsonb        NOT NULL,
  "headers"         jsonb        NOT NULL DEFAULT '{}',
  "created_at"      timestamptz(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "published_at"    timestamptz(3),
  "attempts"        integer      NOT NULL DEFAULT 0,
  "next_attempt_at" timestamptz(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "last_error"      varchar(1000),
  CONSTRAINT "outbox_pkey" PRIMARY KEY ("seq"),
  CONSTRAINT "outbox_kind" CHECK ("kind" IN ('event', 'notification'))
);
CREATE UNIQUE INDEX "outbox_id_key" ON "reservations"."outbox" ("id");
-- What the relay claims, oldest first; published rows leave the index.
CREATE INDEX "outbox_kind_seq_idx" ON "reservations"."outbox" ("kind", "seq") WHERE "published_at" IS NULL;
-- What the purge deletes.
CREATE INDEX "outbox_published_at_idx" ON "reservations"."outbox" ("published_at") WHERE "published_at" IS NOT NULL;

-- Wakes the relay at commit (NOTIFY is delivered only then); the relay also polls, because a
-- notification is not durable.
CREATE FUNCTION "reservations"."outbox_wake_relay"() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM pg_notify('reservations_outbox', '');
      RETURN NULL;
    END
  $$;
CREATE TRIGGER "outbox_wake_relay" AFTER INSERT ON "reservations"."outbox"
  FOR EACH STATEMENT EXECUTE FUNCTION "reservations"."outbox_wake_relay"();

-- Consumed messages by event id, written in the transaction of their effect: a redelivery finds
-- its id here and changes nothing.
CREATE TABLE "reservations"."processed_messages" (
  "message_id"   varchar(128) NOT NULL,
  "topic"        varchar(255) NOT NULL,
  "outcome"      varchar(32)  NOT NULL,
  "processed_at" timestamptz(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "processed_messages_pkey" PRIMARY KEY ("message_id")
);
CREATE INDEX "processed_messages_processed_at_idx" ON "reservations"."processed_messages" ("processed_at");
