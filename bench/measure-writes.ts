import type { Kafka } from 'kafkajs';
import { measureCpuSplit, perRequest } from './cpu-split.js';
import { withClient } from './data-set.js';
import { appendTimes, type EventLatency, eventLatency } from './kafka-events.js';
import { type LoadResult, runLoad, runPaced } from './load.js';
import { statementsPerRequest } from './measure-reads.js';
import { subgraphRequests, type Targets } from './operations.js';
import { measureCpu, type ServerProcess } from './processes.js';
import type { StatementCounts } from './servers/statement-counter.js';

/**
 * Write 4 and events 5: createReservation as fast as the service takes it (guest profiles, trip
 * catalog and payments stubs over HTTP, the outbox, the relay publishing to a real broker), then
 * a steady 100 bookings a second; after each, how long the outbox took to drain and the
 * commit-to-Kafka latency of every reservation.status_changed event of the run.
 */

export interface WriteSettings {
  runs: number;
  seconds: number;
  connections: number;
  steadyRate: number;
  profile: boolean;
  log: (line: string) => void;
  /** The stubs' process, for the CPU split (cpu-split.ts). */
  stubsPid: number;
}

export interface WriteRun {
  phase: 'saturated' | 'steady';
  load: LoadResult;
  /** Counted in the warm-up (same for every run). */
  statements: StatementCounts;
  /** Seconds after the load stopped until every event row was published. */
  drainSeconds: number;
  events: EventLatency;
  profileFile?: string;
  /** The machine's CPU by process over the run (until the outbox drained), per booking. */
  cpuPerBooking?: ReturnType<typeof perRequest>;
}

type CommitLog = [string, number][];

async function waitForDrain(databaseUrl: string, timeoutMs = 120_000): Promise<number> {
  const started = Date.now();
  return withClient(databaseUrl, async (client) => {
    for (;;) {
      const { rows } = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM reservations.outbox WHERE kind = 'event' AND published_at IS NULL`,
      );
      if (Number(rows[0]?.n) === 0) return (Date.now() - started) / 1000;
      if (Date.now() - started > timeoutMs) return Number.POSITIVE_INFINITY;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
}

/**
 * The events among the ids a run committed, with the start of the transaction that wrote each
 * (`created_at`, PostgreSQL's clock, the broker's machine): the commit came after it, so latency
 * from it is an upper bound. The process's own note of the commit is late when its event loop is
 * saturated (it ran behind the relay's publish: negative latencies at full write speed).
 */
async function eventsOf(databaseUrl: string, commits: CommitLog): Promise<Map<string, number>> {
  return withClient(databaseUrl, async (client) => {
    const { rows } = await client.query<{ id: string; created_at: Date }>(
      `SELECT id::text, created_at FROM reservations.outbox WHERE kind = 'event' AND id = ANY($1::uuid[])`,
      [commits.map(([id]) => id)],
    );
    return new Map(rows.map((row) => [row.id, row.created_at.getTime()]));
  });
}

export async function measureWrites(
  subgraph: ServerProcess,
  kafka: Kafka,
  databaseUrl: string,
  targets: Targets,
  settings: WriteSettings,
): Promise<WriteRun[]> {
  const url = `http://127.0.0.1:${subgraph.port}`;
  const next = subgraphRequests(targets).write4;
  // As for read 1 (measure-reads.ts): run 1 measured V8 settling (95 bookings/s, then 150 and 152).
  settings.log('warm-up: 15 s of bookings at full speed, then the statement count: 3 s');
  await runLoad({ url, next, connections: settings.connections, seconds: 15 });
  await waitForDrain(databaseUrl);
  await subgraph.ask('count:on');
  await subgraph.ask('statements');
  await runLoad({ url, next, connections: 4, seconds: 3 });
  const counted = await subgraph.ask<StatementCounts>('statements');
  await subgraph.ask('count:off');
  settings.log(`write4: ${statementsPerRequest(counted)} SQL statements per request`);
  await waitForDrain(databaseUrl);
  await subgraph.ask('commits');

  const pending: (Omit<WriteRun, 'events'> & { commits: CommitLog })[] = [];
  for (let run = 1; run <= settings.runs; run++) {
    for (const phase of ['saturated', 'steady'] as const) {
      const profiled = settings.profile && run === settings.runs;
      if (profiled) await subgraph.ask('profile:start');
      // CPU per booking counts the relay's publishing too: until the outbox has drained.
      let drainSeconds = 0;
      let profileFile: string | undefined;
      const { result: load, split } = await measureCpuSplit({ service: subgraph.pid, stubs: settings.stubsPid }, () =>
        measureCpu(subgraph, async () => {
          const result =
            phase === 'steady'
              ? await runPaced({ url, next, seconds: settings.seconds, rate: settings.steadyRate })
              : await runLoad({ url, next, connections: settings.connections, seconds: settings.seconds });
          profileFile = profiled ? await subgraph.ask<string>('profile:stop') : undefined;
          drainSeconds = await waitForDrain(databaseUrl);
          return result;
        }),
      );
      const cpuPerBooking = perRequest(split, load.requests);
      const statements = counted;
      const commits = await subgraph.ask<CommitLog>('commits');
      pending.push({ phase, load, statements, drainSeconds, commits, cpuPerBooking, ...(profileFile && { profileFile }) });
      const { ms } = cpuPerBooking;
      settings.log(
        `run ${run} write4 ${phase.padEnd(9)} ${load.throughput} bookings/s, p50 ${load.latencyMs.p50} ms, ` +
          `p99 ${load.latencyMs.p99} ms, failures ${load.failures}, outbox drained ${drainSeconds.toFixed(2)} s after` +
          `\n    CPU ms a booking: service ${ms.service} (main thread ${ms.serviceMainThread}; in the kernel ${ms.serviceKernel}), stubs ${ms.stubs}, ` +
          `PostgreSQL ${ms.postgres}, Kafka ${ms.kafka}, load generator ${ms.runner}, other ${ms.other}; machine ` +
          `${Math.round(split.busy * 100)}% busy; without the service's own cost: ${cpuPerBooking.ceilingWithoutService}/s at most` +
          (load.firstFailure ? `\n    first failure: ${load.firstFailure}` : ''),
      );
    }
  }

  const written = await eventsOf(
    databaseUrl,
    pending.flatMap((run) => run.commits),
  );
  const appended = await appendTimes(kafka, new Set(written.keys()));
  return pending.map(({ commits, ...run }) => {
    const events = eventLatency(commits, written, appended);
    settings.log(
      `${run.phase} events: ${events.events} (missing ${events.missing}), commit-to-Kafka p50 ${events.p50} ms, p99 ${events.p99} ms`,
    );
    return { ...run, events };
  });
}

/**
 * Another service instance on the benchmark's database (one left over from an interrupted run)
 * would hold the relay's lease: the subgraph under test would then publish nothing, and that
 * instance, without Kafka, would deliver only notifications. Waits for a held lease to lapse once.
 */
export async function assertNoOtherRelay(databaseUrl: string, log: (line: string) => void): Promise<void> {
  const held = async () =>
    withClient(databaseUrl, async (client) => {
      const { rows } = await client.query<{ holder: string }>(
        `SELECT holder FROM reservations.outbox_relay_lease WHERE name = 'outbox' AND expires_at > now() - interval '1 second'`,
      );
      return rows[0]?.holder ?? null;
    });
  if (!(await held())) return;
  log('the relay lease is held by another instance; waiting 30 s for it to lapse');
  await new Promise((resolve) => setTimeout(resolve, 30_000));
  const holder = await held();
  if (holder) {
    throw new Error(
      `another service instance (${holder}) holds the outbox relay lease on ${databaseUrl}: stop it (a process left by an interrupted benchmark?) and run again`,
    );
  }
}

/**
 * The bookings a run made, so the data set stays the one that was seeded; then VACUUM (ANALYZE)
 * of every table a write run touched. This machine's server runs with autovacuum off (its CI
 * configuration), so without it each run inherited the dead rows of the runs before (the deleted
 * bookings, every outbox row's published mark: 234k dead outbox rows after five writes-only runs),
 * and no two runs started from the same tables. Called before the writes too, for a run that was
 * interrupted before its cleanup.
 */
export async function removeBenchBookings(databaseUrl: string, since: string): Promise<number> {
  return withClient(databaseUrl, async (client) => {
    // The cascade would check partner_references row by row without an index on its reservation
    // (a scan of 730k rows per booking at full size): delete the children directly instead.
    await client.query('BEGIN');
    await client.query('SET LOCAL session_replication_role = replica');
    await client.query(
      `CREATE TEMP TABLE bench_made ON COMMIT DROP AS
         SELECT id, reservation_date FROM reservations.reservations
          WHERE reservation_date >= $1::date AND contact_email = 'bench@example.com'`,
      [since],
    );
    await client.query('ANALYZE bench_made');
    // The partitions the bookings went to: only those need vacuuming (at full size, vacuuming the
    // parents would read all 125 partitions of each).
    const partitions = await client.query<{ partition: string }>(
      `SELECT DISTINCT p.tableoid::regclass::text AS partition
         FROM reservations.reservations p JOIN bench_made b ON p.id = b.id AND p.reservation_date = b.reservation_date
       UNION
       SELECT DISTINCT h.tableoid::regclass::text
         FROM reservations.status_history h JOIN bench_made b ON h.reservation_id = b.id AND h.reservation_date = b.reservation_date`,
    );
    for (const table of ['participants', 'status_history', 'idempotency_keys', 'partner_references']) {
      await client.query(
        `DELETE FROM reservations.${table} t USING bench_made b
          WHERE t.reservation_id = b.id AND t.reservation_date = b.reservation_date`,
      );
    }
    const { rowCount } = await client.query(
      `DELETE FROM reservations.reservations r USING bench_made b WHERE r.id = b.id AND r.reservation_date = b.reservation_date`,
    );
    await client.query('COMMIT');
    await client.query('DELETE FROM reservations.outbox');
    await client.query('DELETE FROM reservations.processed_messages');
    const touched = [
      ...partitions.rows.map((row) => row.partition),
      ...['participants', 'idempotency_keys', 'partner_references', 'outbox', 'processed_messages'].map(
        (table) => `reservations.${table}`,
      ),
    ];
    await client.query(`VACUUM (ANALYZE) ${touched.join(', ')}`);
    return rowCount ?? 0;
  });
}
