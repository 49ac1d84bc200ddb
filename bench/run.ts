import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { developmentKeys } from '../src/graphql/auth.js';
import { createLogger } from '../src/observability/logger.js';
import { logProcessWarnings } from '../src/observability/warnings.js';
import { buildServers } from './build.js';
import { databaseUrl, SIZES, type SizeName, withClient } from './data-set.js';
import { explainSamples } from './explain.js';
import { startBenchKafka } from './kafka-events.js';
import { describeMachine } from './machine.js';
import { measureReads } from './measure-reads.js';
import { measureScale, type ScaleResult } from './measure-scale.js';
import { assertNoOtherRelay, measureWrites, removeBenchBookings } from './measure-writes.js';
import { subgraphRequests, type Targets } from './operations.js';
import { type ServerProcess, startServer } from './processes.js';
import { summarizeProfile } from './profile.js';
import { type BenchResults, writeResults } from './report.js';
import { ensureSeeded } from './seed.js';

/**
 * npm run bench [-- --size small|full] [--runs 3] [--seconds 10] [--profile] [--reseed] [--skip-reads] [--skip-writes] [--tsx]
 *                [--report bench/results/<file>.json]   (render BENCHMARKS.md again from a results file)
 *
 * Seeds the data set when missing, compiles the servers under test (build.ts; `--tsx` runs their
 * TypeScript under tsx instead), starts the limit (bare SQL), the peer (PostGraphile) and the
 * subgraph each in its own process, measures reads 1–3, then writes and events against a real
 * Kafka broker, and writes bench/results/<date>-<size>.json and BENCHMARKS.md.
 */

const { values } = parseArgs({
  options: {
    /** Render BENCHMARKS.md again from a results file, measuring nothing. */
    report: { type: 'string' },
    size: { type: 'string', default: 'full' },
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '10' },
    profile: { type: 'boolean', default: false },
    reseed: { type: 'boolean', default: false },
    'skip-writes': { type: 'boolean', default: false },
    'skip-reads': { type: 'boolean', default: false },
    /** Also measure read 1 and write 4 with one service process and with two. */
    scale: { type: 'boolean', default: false },
    /** Run the servers from their TypeScript under tsx instead of compiled (as deployed). */
    tsx: { type: 'boolean', default: false },
  },
});
if (values.report) {
  const written = await writeResults(JSON.parse(await readFile(values.report, 'utf8')) as BenchResults);
  process.stdout.write(`${written.markdown} rendered from ${written.json}\n`);
  process.exit(0);
}
if (!(values.size in SIZES)) throw new Error(`--size must be one of ${Object.keys(SIZES).join(', ')}`);
const size = SIZES[values.size as SizeName];
const runs = Number(values.runs);
const seconds = Number(values.seconds);
const startedAt = Date.now();
const log = (line: string) =>
  process.stdout.write(`[bench ${((Date.now() - startedAt) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
const profileDir = values.profile ? fileURLToPath(new URL('./results/tmp/profiles', import.meta.url)) : undefined;

// kafkajs's negative timer on Node 24 (kafkajs#1751) is not worth a line of the bench's output.
logProcessWarnings(createLogger('info', { component: 'bench' }));

const dataSet = await ensureSeeded(size, log, { reseed: values.reseed });
const url = databaseUrl(size);
const machine = await describeMachine(url);
log(`${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, PostgreSQL ${machine.postgres}`);
const ids = await withClient(url, async (client) => {
  // ~5,000 reservations spread over all ten years, in a random (but repeatable) order.
  const { rows } = await client.query<{ id: string }>(
    `SELECT id::text FROM reservations.reservations TABLESAMPLE BERNOULLI ($1) REPEATABLE (42) ORDER BY md5(id::text)`,
    [Math.min(100, (5_000 / dataSet.reservations) * 100)],
  );
  return rows.map((row) => row.id);
});

const issuer = 'https://auth.bench.example';
const audience = 'svc-reservations';
const keys = await developmentKeys(issuer, audience);
const gatewaySecret = randomBytes(24).toString('hex');
const targets: Targets = {
  gatewayHeaders: {
    authorization: `Bearer ${await keys.sign({ role: 'staff' }, 'bench-staff')}`,
    'x-gateway-secret': gatewaySecret,
  },
  ids,
  heavyGuestId: dataSet.heavyGuestId,
};

log(values.tsx ? 'servers run from TypeScript under tsx (--tsx)' : 'compiling the servers under test (as deployed)');
const buildDir = values.tsx ? undefined : await buildServers();
const stubs = await startServer('stubs', 'stubs.ts', { env: {}, buildDir });
const stubUrls = await stubs.ask<Record<string, string>>('urls');
// As deployed (Dockerfile): libraries such as graphql-js take their production paths on it.
const production = { NODE_ENV: 'production' };
const serviceEnv: Record<string, string> = {
  ...production,
  DATABASE_URL: url,
  PORT: '0',
  LOG_LEVEL: 'warn',
  AUTH_JWKS: JSON.stringify(keys.jwks),
  AUTH_ISSUER: issuer,
  AUTH_AUDIENCE: audience,
  GATEWAY_SHARED_SECRET: gatewaySecret,
  GUEST_PROFILES_URL: stubUrls['guest-profiles'] ?? '',
  TRIP_CATALOG_URL: stubUrls['trip-catalog'] ?? '',
  PAYMENTS_URL: stubUrls.payments ?? '',
  NOTIFICATIONS_URL: stubUrls.notifications ?? '',
  // The data set reaches back ten years, seven of them past the 36-month retention of personal
  // data: left on, the subgraph erased that backlog at every start (10,000 reservations a run,
  // ~0.6 of a core) while being measured. A deployment pays that once; the benchmark measures
  // requests on a data set that does not change under it.
  PERSONAL_DATA_RETENTION_MONTHS: '1200',
};

const results: BenchResults = {
  date: new Date().toISOString(),
  size: size.name,
  machine,
  dataSet,
  settings: {
    runs,
    seconds,
    read1Connections: 10,
    latencyConnections: 10,
    read2Rate: 20,
    read3Rate: 50,
    writeConnections: 16,
    steadyWriteRate: 50,
    servers: values.tsx ? 'tsx' : 'built',
  },
  reads: null,
  explain: [],
  writes: null,
  profiles: {},
};
const scale: NonNullable<BenchResults['scale']> = {};
if (values.scale) results.scale = scale;

/** --scale: the same load on `first` alone, then split between it and a second process like it. */
async function withSecondProcess(
  first: ServerProcess,
  operation: 'read1' | 'write4',
  env: Record<string, string>,
  connections: number,
): Promise<ScaleResult> {
  const second = await startServer(`${first.name}-2`, 'subgraph.ts', { env, buildDir });
  try {
    return await measureScale([first, second], subgraphRequests(targets)[operation], {
      connections,
      seconds,
      runs,
      label: operation,
      log,
    });
  } finally {
    await second.stop();
  }
}

try {
  if (!values['skip-reads']) {
    const limit = await startServer('limit', 'bare-sql.ts', { env: { ...production, DATABASE_URL: url }, buildDir });
    const peer = await startServer('peer', 'postgraphile.ts', {
      env: { ...production, DATABASE_URL: url, GRAPHILE_ENV: 'production' },
      buildDir,
    });
    const subgraph = await startServer('subgraph', 'subgraph.ts', { env: serviceEnv, cpuProfileDir: profileDir, buildDir });
    try {
      results.reads = await measureReads({ subgraph, limit, peer }, targets, {
        runs,
        seconds,
        read1Connections: results.settings.read1Connections,
        latencyConnections: results.settings.latencyConnections,
        read2Rate: results.settings.read2Rate,
        read3Rate: results.settings.read3Rate,
        profile: values.profile,
        log,
      });
      if (values.scale) scale.read1 = await withSecondProcess(subgraph, 'read1', serviceEnv, results.settings.read1Connections);
    } finally {
      await Promise.all([limit.stop(), peer.stop(), subgraph.stop()]);
    }
    for (const read of ['read1', 'read2', 'read3'] as const) {
      const counts = results.reads.statements[read];
      if (counts) results.explain.push(...(await explainSamples(url, counts)).map((plan) => ({ read, ...plan })));
    }
  }
  if (!values['skip-writes']) {
    await assertNoOtherRelay(url, log);
    const left = await removeBenchBookings(url, dataSet.to);
    log(`writes start from the seeded data set, vacuumed${left ? ` (removed ${left} bookings an interrupted run left)` : ''}`);
    log('starting a Kafka broker for writes and events');
    const { broker, kafka } = await startBenchKafka();
    // As deployed: the relay on its own thread (OUTBOX_RELAY_THREAD's default).
    const writesEnv = { ...serviceEnv, KAFKA_BROKERS: broker.brokers };
    const subgraph = await startServer('subgraph-writes', 'subgraph.ts', {
      env: writesEnv,
      cpuProfileDir: profileDir,
      buildDir,
    });
    try {
      results.writes = await measureWrites(subgraph, kafka, url, targets, {
        runs,
        seconds,
        connections: results.settings.writeConnections,
        steadyRate: results.settings.steadyWriteRate,
        stubsPid: stubs.pid,
        profile: values.profile,
        log,
      });
      if (values.scale) scale.write4 = await withSecondProcess(subgraph, 'write4', writesEnv, results.settings.writeConnections);
    } finally {
      await subgraph.stop();
      await broker.stop();
      log(`removed ${await removeBenchBookings(url, dataSet.to)} bookings made by the benchmark`);
    }
  }
} finally {
  await stubs.stop();
}

for (const [name, runs] of [
  ...(['read1', 'read2', 'read3'] as const).map((read) => [read, results.reads?.[read].subgraph ?? []] as const),
  ['write4', results.writes ?? []] as const,
]) {
  for (const run of runs) {
    if (run.profileFile)
      results.profiles[`${name}${'phase' in run ? ` ${run.phase}` : ''}`] = await summarizeProfile(run.profileFile);
  }
}
const written = await writeResults(results);
log(`results: ${written.json}; ${written.markdown} updated`);
for (const target of written.targets)
  log(`${target.met ? 'MET   ' : 'MISSED'} ${target.name}: ${target.measured} (target ${target.target})`);
process.exit(0);
