import { migrate } from '../src/db/migrations.js';
import { ensurePartitions } from '../src/db/partitions.js';
import {
  ADMIN_URL,
  coveredDays,
  type DataSetSize,
  databaseName,
  databaseUrl,
  HEAVY_GUEST_BOOKINGS,
  HEAVY_GUEST_ID,
  withClient,
} from './data-set.js';
import { SEED_DAYS_SQL } from './seed-sql.js';

/**
 * Seeds `svc_bench_<size>` once and keeps it: a marker row (bench.seed) says which data set the
 * database holds; without it (never seeded, or a seed cut short) the database is made anew.
 */

const SEED_VERSION = 1;
/** Each statement seeds this many days; two run at a time (the machine has two cores). */
const DAYS_PER_STATEMENT = 15;
const PARALLEL = 2;

export interface SeedInfo {
  size: string;
  perDay: number;
  from: string;
  to: string;
  reservations: number;
  participants: number;
  history: number;
  seededAt: string;
  seconds: number;
  heavyGuestId: string;
}

type Log = (line: string) => void;

async function readMarker(url: string): Promise<SeedInfo | null> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ info: SeedInfo }>(`SELECT info FROM bench.seed WHERE version = $1`, [SEED_VERSION]);
    return rows[0]?.info ?? null;
  }).catch(() => null);
}

async function databaseExists(name: string): Promise<boolean> {
  return withClient(ADMIN_URL, async (admin) => {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return (rowCount ?? 0) > 0;
  });
}

/** The seeded data set of this size, seeding it first when the database does not hold it yet. */
export async function ensureSeeded(size: DataSetSize, log: Log, options: { reseed?: boolean } = {}): Promise<SeedInfo> {
  const url = databaseUrl(size);
  const name = databaseName(size);
  if (!options.reseed && (await databaseExists(name))) {
    const marker = await readMarker(url);
    if (marker) {
      log(`data set ${name}: ${marker.reservations.toLocaleString('en')} reservations, seeded ${marker.seededAt}`);
      return marker;
    }
    log(`data set ${name}: no complete seed found, seeding again`);
  }
  return seed(size, log);
}

async function seed(size: DataSetSize, log: Log): Promise<SeedInfo> {
  const name = databaseName(size);
  const url = databaseUrl(size);
  const startedAt = Date.now();
  await withClient(ADMIN_URL, async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  });
  const { from, to, days } = coveredDays(size);
  await withClient(url, async (client) => {
    await migrate(client, { log });
    const report = await ensurePartitions(client, { from: new Date(`${from}T00:00:00Z`), monthsAhead: 3 });
    log(`${report.created.length} partitions created (${from} to three months ahead)`);
  });

  const chunks: { from: string; to: string }[] = [];
  for (let day = Date.parse(from); day < Date.parse(to); day += DAYS_PER_STATEMENT * 86_400_000) {
    const end = Math.min(day + DAYS_PER_STATEMENT * 86_400_000, Date.parse(to));
    chunks.push({ from: new Date(day).toISOString().slice(0, 10), to: new Date(end).toISOString().slice(0, 10) });
  }
  const totals = { reservations: 0, participants: 0, history: 0 };
  const heavyStep = Math.floor(days / HEAVY_GUEST_BOOKINGS);
  const guests = Math.max(1_000, Math.floor((size.perDay * days) / 3));
  let next = 0;
  const worker = async () => {
    await withClient(url, async (client) => {
      await client.query('SET synchronous_commit = off');
      // JIT compiles each statement for ~1.3 s; the statements are cheap without it.
      await client.query('SET jit = off');
      // Foreign keys hold by construction; skipping their per-row triggers (superuser only) halves the time.
      await client.query('SET session_replication_role = replica').catch(() => log('foreign keys checked row by row'));
      for (let index = next++; index < chunks.length; index = next++) {
        const chunk = chunks[index];
        if (!chunk) break;
        const { rows } = await client.query<{ reservations: string; participants: string; history: string }>(SEED_DAYS_SQL, [
          `bench-${SEED_VERSION}:`,
          chunk.from,
          chunk.to,
          size.perDay,
          from,
          HEAVY_GUEST_ID,
          heavyStep,
          HEAVY_GUEST_BOOKINGS,
          guests,
          to,
        ]);
        totals.reservations += Number(rows[0]?.reservations ?? 0);
        totals.participants += Number(rows[0]?.participants ?? 0);
        totals.history += Number(rows[0]?.history ?? 0);
        if (index % 10 === 0 || index === chunks.length - 1) {
          const seconds = (Date.now() - startedAt) / 1000;
          log(`seeded ${chunk.to}: ${totals.reservations.toLocaleString('en')} reservations in ${seconds.toFixed(0)} s`);
        }
      }
    });
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));

  log('VACUUM ANALYZE (visibility map and planner statistics, as autovacuum would have them)');
  await withClient(url, async (client) => {
    await client.query('SET maintenance_work_mem = $$512MB$$');
    await client.query('VACUUM (ANALYZE) reservations.reservations, reservations.participants, reservations.status_history');
    await client.query('ANALYZE reservations.partner_references');
  });

  const info: SeedInfo = {
    size: size.name,
    perDay: size.perDay,
    from,
    to,
    ...totals,
    seededAt: new Date().toISOString(),
    seconds: Math.round((Date.now() - startedAt) / 1000),
    heavyGuestId: HEAVY_GUEST_ID,
  };
  await withClient(url, async (client) => {
    await client.query('CREATE SCHEMA IF NOT EXISTS bench');
    await client.query('CREATE TABLE IF NOT EXISTS bench.seed (version int PRIMARY KEY, info jsonb NOT NULL)');
    await client.query('INSERT INTO bench.seed (version, info) VALUES ($1, $2)', [SEED_VERSION, info]);
  });
  log(`seeded ${info.reservations.toLocaleString('en')} reservations in ${info.seconds} s`);
  return info;
}
