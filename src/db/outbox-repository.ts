import type pg from 'pg';
import type { OutboxEntry } from '../app/outbox-entries.js';
import type { Prisma } from './__generated__/prisma/client.js';
import type { Db } from './rows.js';

/**
 * The outbox (what committed changes promise; delivered by src/events/outbox-relay.ts) and the
 * inbox (`processed_messages`: the consumed message ids). The relay's queries run on plain `pg`
 * connections: it claims rows `FOR UPDATE SKIP LOCKED` on a connection of its own, under its lease
 * (relay-lease.ts).
 */

/** NOTIFYed by the outbox trigger at commit; the relay LISTENs to wake at once. */
const CHANNEL = 'reservations_outbox';

export async function enqueue(tx: Db, entries: OutboxEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await tx.outboxMessage.createMany({
    data: entries.map((message) => ({
      id: message.id,
      kind: message.kind,
      aggregateType: 'reservation',
      aggregateId: message.aggregateId,
      type: message.type,
      destination: message.destination,
      payload: message.payload as Prisma.InputJsonObject,
      headers: message.headers,
    })),
  });
}

/** Inserts the message id unless it is there; false for a redelivery. A concurrent insert of the same id waits. */
export async function claimMessage(tx: Db, messageId: string, topic: string): Promise<boolean> {
  const inbox = await tx.processedMessage.createMany({
    data: [{ messageId, topic, outcome: 'processing' }],
    skipDuplicates: true,
  });
  return inbox.count > 0;
}

export async function recordMessageOutcome(tx: Db, messageId: string, outcome: string): Promise<void> {
  await tx.processedMessage.update({ where: { messageId }, data: { outcome } });
}

export interface OutboxRow {
  seq: string;
  id: string;
  aggregate_id: string;
  type: string;
  destination: string;
  payload: Record<string, unknown>;
  headers: Record<string, string>;
  created_at: Date;
  attempts: number;
}

export async function listenForOutbox(session: pg.ClientBase): Promise<void> {
  await session.query(`LISTEN ${CHANNEL}`);
}

/** The oldest undelivered rows of a kind (notifications: only those due), locked for this transaction. */
export async function claimOutbox(client: pg.ClientBase, kind: 'event' | 'notification', limit: number): Promise<OutboxRow[]> {
  const due = kind === 'notification' ? 'AND next_attempt_at <= now()' : '';
  // Named (prepared once per connection), as every statement of the relay's drain: under load it
  // runs one claiming transaction per batch, many a second.
  const { rows } = await client.query<OutboxRow>({
    name: `outbox-claim-${kind}`,
    text: `SELECT seq, id, aggregate_id, type, destination, payload, headers, created_at, attempts
       FROM reservations.outbox
      WHERE kind = $1 AND published_at IS NULL ${due}
      ORDER BY seq
      LIMIT $2
      FOR UPDATE SKIP LOCKED`,
    values: [kind, limit],
  });
  return rows;
}

/** A failed publish of a claimed batch; recorded on the claiming connection, which holds their locks. */
export async function recordPublishFailure(client: pg.ClientBase, seqs: string[], error: string): Promise<void> {
  await client.query('UPDATE reservations.outbox SET attempts = attempts + 1, last_error = $2 WHERE seq = ANY($1::bigint[])', [
    seqs,
    error,
  ]);
}

/** A failed notification, tried again after `delaySeconds`. */
export async function scheduleRetry(client: pg.ClientBase, seq: string, error: string, delaySeconds: number): Promise<void> {
  await client.query(
    `UPDATE reservations.outbox SET attempts = attempts + 1, last_error = $2,
            next_attempt_at = now() + make_interval(secs => $3) WHERE seq = $1`,
    [seq, error, delaySeconds],
  );
}

/** Deletes up to 10,000 rows published longer than `seconds` ago; returns how many. */
export async function purgePublished(pool: pg.Pool, seconds: number): Promise<number> {
  const result = await pool.query(
    `DELETE FROM reservations.outbox WHERE seq IN (
       SELECT seq FROM reservations.outbox WHERE published_at < now() - make_interval(secs => $1) LIMIT 10000)`,
    [seconds],
  );
  return result.rowCount ?? 0;
}

/** Runs `work` in one transaction on a connection of the pool: committed when it returns, rolled back when it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** Age in seconds of the oldest message not yet delivered, per kind (0 when none). */
export async function outboxLag(pool: pg.Pool): Promise<Record<'event' | 'notification', number>> {
  const { rows } = await pool.query<{ kind: 'event' | 'notification'; age: number }>(
    `SELECT kind, EXTRACT(EPOCH FROM now() - min(created_at))::float8 AS age
       FROM reservations.outbox WHERE published_at IS NULL GROUP BY kind`,
  );
  const lag = { event: 0, notification: 0 };
  for (const row of rows) lag[row.kind] = Math.max(0, row.age);
  return lag;
}
