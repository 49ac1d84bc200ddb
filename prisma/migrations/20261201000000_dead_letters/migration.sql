-- Dead letters that could not go to the dead-letter topic: too large once the dlq_* headers are
-- added, or the topic unreachable. Stored as the raw bytes, so nothing a producer sends is lost;
-- `npm run dlq:replay` handles the rows not yet replayed (README, Runbook: dead letters).
-- Headers are a JSON array of [name, value], both base64: a header may hold any bytes (NUL
-- included), which jsonb text cannot.
CREATE TABLE "reservations"."dead_letters" (
  "id"               bigserial      NOT NULL,
  "source_topic"     varchar(255)   NOT NULL,
  "source_partition" integer        NOT NULL,
  "source_offset"    bigint         NOT NULL,
  "message_key"      bytea,
  "message_value"    bytea,
  "headers"          jsonb          NOT NULL DEFAULT '[]',
  "ce_id"            varchar(128),
  "reason"           varchar(1000)  NOT NULL,
  "created_at"       timestamptz(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "replayed_at"      timestamptz(3),
  "replay_outcome"   varchar(1000),
  CONSTRAINT "dead_letters_pkey" PRIMARY KEY ("id")
);

-- Dead-lettered messages no longer leave an inbox row (their replay must not count as a
-- duplicate); the rows the consumer left before are removed, so those letters can be replayed.
DELETE FROM "reservations"."processed_messages" WHERE "outcome" = 'dead-letter';
