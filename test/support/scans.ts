import type pg from 'pg';

/**
 * Sequential scans of `table` and scans of its index `index` in the database so far, as
 * pg_stat_user_tables has them once every session's counts are flushed (a session flushes its
 * own after `SELECT pg_stat_force_next_flush()`). How a test shows which plan a statement took on
 * a connection it cannot EXPLAIN from outside.
 */
export async function scansOf(pool: pg.Pool, table: string, index: string): Promise<{ seq: number; index: number }> {
  await pool.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await pool.query<{ seq: number; index: number }>(
    `SELECT t.seq_scan::int AS seq, i.idx_scan::int AS index
       FROM pg_stat_user_tables t JOIN pg_stat_user_indexes i ON i.relid = t.relid AND i.indexrelname = $2
      WHERE t.relid = $1::regclass`,
    [table, index],
  );
  return rows[0] ?? { seq: -1, index: -1 };
}
