import { databaseAnswers } from '../db/dead-letter-repository.js';
import type { Db } from '../db/rows.js';
import { exponentialDelay } from './backoff.js';
import type { DeadLetterSink, DeadLetterSource, DeadLetterStore } from './dead-letter-sink.js';

/** What handling a consumed message came to; a dead letter says why. */
export type MessageOutcome = { kind: string; reason?: string };

/** The longest wait between two attempts at one message. */
const MAX_RETRY_WAIT_MS = 30_000;

export interface ProcessingPolicy {
  /** Attempts at a message whose handling throws (a lost race, a passing database error). */
  attempts: number;
  /** Backoff before the second attempt, doubled after each (at most 30 s). */
  backoffMs: number;
  /** Called while waiting, so the consumer group does not drop a member that is retrying. */
  heartbeat?: () => Promise<void>;
}

export type ProcessedMessage<O extends MessageOutcome = MessageOutcome> = { outcome: O; store?: DeadLetterStore };

type DeadLetter = { kind: 'dead-letter'; reason: string };

/**
 * Handles one message to its end: handled, or durably dead-lettered. A message whose handling
 * keeps throwing while the database answers fails by itself (a value PostgreSQL refuses, say):
 * it is dead-lettered with the error, so no single message stops the consumer. While the
 * database does not answer, it throws: the offset stays uncommitted and the message comes again.
 */
export async function processToTheEnd<O extends MessageOutcome>(
  db: Db,
  sink: DeadLetterSink,
  source: DeadLetterSource,
  policy: ProcessingPolicy,
  handle: () => Promise<O>,
): Promise<ProcessedMessage<O | DeadLetter>> {
  let outcome: O | DeadLetter | null = null;
  for (let attempt = 1; !outcome; attempt++) {
    try {
      outcome = await handle();
    } catch (error) {
      if (attempt < policy.attempts) {
        await pause(exponentialDelay({ initialMs: policy.backoffMs, maxMs: MAX_RETRY_WAIT_MS })(attempt), policy.heartbeat);
        continue;
      }
      if (!(await databaseAnswers(db))) throw error;
      const detail = error instanceof Error ? error.message : String(error);
      outcome = { kind: 'dead-letter', reason: `processing failed ${attempt} times: ${detail}`.slice(0, 1000) };
    }
  }
  if (outcome.kind !== 'dead-letter') return { outcome };
  return { outcome, store: await sink.store(source, outcome.reason ?? 'dead letter') };
}

async function pause(ms: number, heartbeat?: () => Promise<void>): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, until - Date.now())));
    await heartbeat?.().catch(() => {});
  }
}
