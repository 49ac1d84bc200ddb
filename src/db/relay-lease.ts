import type pg from 'pg';

/**
 * Leadership of the outbox relay as a lease in `reservations.outbox_relay_lease`, judged by the
 * database clock (docs/adr/0005-transactional-outbox.md). The leader renews it; a follower takes
 * it when it has expired or when no connection of the holder is left (a killed process), and
 * then fences the old holder by terminating its connections: a frozen process keeps its sockets,
 * so only the server can end its open transactions and release the rows they claimed.
 */

/** The one lease row, inserted by the migration. */
const LEASE = 'outbox';
/** Every connection of a relay says whose it is: the fence finds them by this name. */
const APPLICATION_PREFIX = 'svc-reservations-relay:';

export interface RelayLease {
  /** Random per relay session. */
  holder: string;
  /** Fencing token: grows by one at every take-over. */
  epoch: string;
}

/** The lease is no longer ours (expired, or taken by another relay): stop leading. */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

export function relayApplicationName(holder: string): string {
  return `${APPLICATION_PREFIX}${holder}`;
}

/**
 * Takes the lease when it is free, expired, or its holder has no connection left. Returns the new
 * lease and the holder it was taken from (whose connections `fence` must end before we publish).
 */
export async function takeLease(
  session: pg.ClientBase,
  holder: string,
  leaseMs: number,
): Promise<{ lease: RelayLease; previous: string | null } | null> {
  const { rows } = await session.query<{ epoch: string; previous: string | null }>(
    `UPDATE reservations.outbox_relay_lease AS lease
        SET holder = $2, epoch = lease.epoch + 1, expires_at = now() + make_interval(secs => $3::float8 / 1000)
       FROM (SELECT holder FROM reservations.outbox_relay_lease WHERE name = $1) AS before
      WHERE lease.name = $1
        AND (lease.holder IS NULL OR lease.expires_at <= now()
             OR NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name = $4 || lease.holder))
  RETURNING lease.epoch::text AS epoch, before.holder AS previous`,
    [LEASE, holder, leaseMs, APPLICATION_PREFIX],
  );
  const row = rows[0];
  return row ? { lease: { holder, epoch: row.epoch }, previous: row.previous } : null;
}

/**
 * Terminates every connection of `holder` and waits (up to `waitMs` each) for them to end; true
 * when none is left. Needs the right to signal them: the same database role, or pg_signal_backend.
 */
export async function fence(session: pg.ClientBase, holder: string, waitMs: number): Promise<boolean> {
  const name = relayApplicationName(holder);
  await session.query(
    `SELECT pg_terminate_backend(pid, $2) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()`,
    [name, waitMs],
  );
  const { rows } = await session.query<{ left: number }>(
    'SELECT count(*)::int AS left FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()',
    [name],
  );
  return rows[0]?.left === 0;
}

/** Pushes the expiry on; false when the lease is no longer ours. */
export async function renewLease(session: pg.ClientBase, lease: RelayLease, leaseMs: number): Promise<boolean> {
  const result = await session.query(
    `UPDATE reservations.outbox_relay_lease SET expires_at = now() + make_interval(secs => $4::float8 / 1000)
      WHERE name = $1 AND holder = $2 AND epoch = $3`,
    [LEASE, lease.holder, lease.epoch, leaseMs],
  );
  return result.rowCount === 1;
}

/** Gives the lease up at once (a clean stop), so a follower need not wait for it to expire. */
export async function releaseLease(session: pg.ClientBase, lease: RelayLease): Promise<void> {
  await session.query('UPDATE reservations.outbox_relay_lease SET holder = NULL WHERE name = $1 AND holder = $2 AND epoch = $3', [
    LEASE,
    lease.holder,
    lease.epoch,
  ]);
}

/**
 * First statements of every transaction that claims outbox rows: name the connection after the
 * holder (so a take-over's fence ends this transaction, and the rows it locks, whatever state this
 * process is in), then make sure the lease is still ours and unexpired. Checked before claiming:
 * rows locked by a relay that is no longer leader would be skipped by the new one, out of order.
 */
export async function enterLeaseTransaction(client: pg.ClientBase, lease: RelayLease): Promise<void> {
  // The claim and its mark commit without waiting for the WAL flush: a mark lost with the last
  // fraction of a second of WAL in a crash of the machine publishes those rows again, which
  // at-least-once delivery already allows (consumers deduplicate on ce_id). A flush per drain was
  // a third of PostgreSQL's flushes under load (BENCHMARKS.md, round two, fourth session).
  await client.query({
    name: 'relay-transaction-settings',
    text: "SELECT set_config('application_name', $1, true), set_config('synchronous_commit', 'off', true)",
    values: [relayApplicationName(lease.holder)],
  });
  await assertLease(client, lease);
}

/** Throws LeaseLostError unless `lease` is current and unexpired by the database clock. */
export async function assertLease(client: pg.ClientBase, lease: RelayLease): Promise<void> {
  const { rowCount } = await client.query({
    name: 'relay-assert-lease',
    text: 'SELECT 1 FROM reservations.outbox_relay_lease WHERE name = $1 AND holder = $2 AND epoch = $3 AND expires_at > now()',
    values: [LEASE, lease.holder, lease.epoch],
  });
  if (rowCount !== 1) throw new LeaseLostError(`the outbox relay lease (epoch ${lease.epoch}) is no longer ours`);
}

/**
 * Marks delivered rows published, only while `lease` is the current one (the fencing check: a
 * relay that lost the lease cannot mark). Throws LeaseLostError when it is not.
 */
export async function markPublished(
  client: pg.ClientBase,
  lease: RelayLease,
  seqs: string[],
  options: { clearError: boolean },
): Promise<void> {
  if (seqs.length === 0) return;
  // Not a named statement: its plan would be cached with the connection, which lives for days,
  // and a plan made while the outbox was nearly empty scans all of it once it holds thousands of
  // rows (it did, under load: a quarter of PostgreSQL's CPU). Planned each time, it uses the key.
  const { rowCount } = await client.query(
    `UPDATE reservations.outbox SET published_at = now(), attempts = attempts + 1${options.clearError ? ', last_error = NULL' : ''}
      WHERE seq = ANY($1::bigint[])
        AND EXISTS (SELECT 1 FROM reservations.outbox_relay_lease WHERE name = $2 AND holder = $3 AND epoch = $4)`,
    [seqs, LEASE, lease.holder, lease.epoch],
  );
  if (rowCount === 0) throw new LeaseLostError(`the outbox relay lease (epoch ${lease.epoch}) was taken over; nothing marked`);
}
