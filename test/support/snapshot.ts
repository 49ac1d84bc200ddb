import type pg from 'pg';

/**
 * What the service has stored, as one comparable value: a digest of every row of the reservation
 * tables, and the ids of the outbox (whose delivery columns change in the background, its set of
 * rows only when something is written). A refused change must leave it as it was.
 */
const TABLES = ['reservations', 'participants', 'status_history', 'idempotency_keys', 'partner_references'];

export async function snapshotTables(pool: pg.Pool): Promise<Record<string, string>> {
  const snapshot: Record<string, string> = {};
  for (const table of TABLES) {
    const { rows } = await pool.query<{ digest: string | null; count: string }>(
      `SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest, count(*) AS count FROM reservations.${table} t`,
    );
    snapshot[table] = `${rows[0]?.count}:${rows[0]?.digest}`;
  }
  const { rows } = await pool.query<{ digest: string | null }>(
    `SELECT md5(string_agg(id::text, '|' ORDER BY id)) AS digest FROM reservations.outbox`,
  );
  snapshot.outbox = rows[0]?.digest ?? 'empty';
  return snapshot;
}
