import pg from 'pg';

/**
 * The benchmark databases (`svc_bench_<size>` on the local server) and the sizes of data set they
 * hold. Ten years of bookings always, so every size has the same 120-odd monthly partitions the
 * planner must deal with; the sizes differ in bookings a day.
 */

export type SizeName = 'full' | 'small';

export interface DataSetSize {
  name: SizeName;
  /** Bookings made each day (the spec's volume is ~2,000). */
  perDay: number;
  years: number;
}

export const SIZES: Record<SizeName, DataSetSize> = {
  full: { name: 'full', perDay: 2_000, years: 10 },
  small: { name: 'small', perDay: 27, years: 10 },
};

/** The guest with 500 bookings spread over the years (read 3). */
export const HEAVY_GUEST_ID = '0b0b0b0b-5000-4000-8000-000000000500';
export const HEAVY_GUEST_BOOKINGS = 500;

export const ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function databaseName(size: DataSetSize): string {
  return `svc_bench_${size.name}`;
}

export function databaseUrl(size: DataSetSize): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${databaseName(size)}`;
  return url.toString();
}

export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'svc-reservations-bench' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The days the data set covers: `years` back from yesterday (UTC), and today's date. */
export function coveredDays(size: DataSetSize, today = new Date()): { from: string; to: string; days: number } {
  const end = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  const start = Date.UTC(today.getUTCFullYear() - size.years, today.getUTCMonth(), today.getUTCDate());
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { from: iso(start), to: iso(end), days: Math.round((end - start) / 86_400_000) };
}
