import type pg from 'pg';

/** The personal strings of one test guest, distinct enough to be found anywhere they are left. */
export interface GuestStrings {
  fullName: string;
  email: string;
  phone: string;
  notes: string;
  reason: string;
}

export const ERASE = `mutation Erase($guestId: ID!, $reason: String!) {
  erasePersonalData(guestId: $guestId, reason: $reason) {
    guestId reservationsTouched participantsTouched fieldsCleared reservationIds
  }
}`;

export const EXPORT = `query Export($guestId: ID!) {
  personalDataExport(guestId: $guestId) { guestId generatedAt document }
}`;

/**
 * Every text, varchar, char, json and jsonb column of every table (partitions included) in schema
 * `reservations` that holds any of the needles: `table.column: needle`.
 */
export async function findStrings(pool: pg.Pool, needles: string[]): Promise<string[]> {
  const columns = await pool.query<{ table_name: string; column_name: string }>(
    `SELECT c.table_name, c.column_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = 'reservations' AND t.table_type = 'BASE TABLE'
        AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')`,
  );
  const found: string[] = [];
  for (const { table_name: table, column_name: column } of columns.rows) {
    for (const needle of needles) {
      const { rows } = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM reservations."${table}" WHERE "${column}"::text ILIKE '%' || $1 || '%'`,
        [needle],
      );
      if ((rows[0]?.n ?? 0) > 0) found.push(`${table}.${column}: ${needle}`);
    }
  }
  return found;
}
