import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  fstatSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * A real Apache Kafka broker (single node, KRaft) for tests and local development, run from the
 * jars Maven Central serves, without Docker. See docs/adr/0002-kafka-in-tests-from-maven-jars.md.
 *
 *   const broker = await startKafkaBroker();   // broker.brokers === '127.0.0.1:<port>'
 *   await broker.stop(); await broker.restart(); // same port, same data
 */

export interface KafkaBroker {
  /** Bootstrap address for clients: "127.0.0.1:<port>". */
  brokers: string;
  /** Process id of the broker's JVM (changes on restart). */
  pid: number;
  /** Where the broker's stdout/stderr go. */
  logFile: string;
  /** Holds server.properties and the Kafka log dir; kept across restart. */
  dataDir: string;
  /** Graceful: SIGTERM, wait for exit, SIGKILL after a timeout. */
  stop(): Promise<void>;
  /** Crash: SIGKILL, wait for exit. */
  kill(): Promise<void>;
  /** Freeze the JVM (SIGSTOP): connections stay open but nothing answers. */
  pause(): void;
  /** Undo pause() (SIGCONT). */
  resume(): void;
  /** Start again on the same ports and data dir (stopping first when running); waits until ready. */
  restart(): Promise<void>;
}

export interface KafkaBrokerOptions {
  /** PLAINTEXT listener port; a free port when omitted. */
  port?: number;
  /** CONTROLLER listener port; a free port when omitted. */
  controllerPort?: number;
  /** Kept across restarts; a temp dir (deleted at process exit) when omitted. */
  dataDir?: string;
  /** Broker stdout/stderr; `<dataDir>/broker.log` when omitted. */
  logFile?: string;
}

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const toolsDir = path.join(repoRoot, 'tools', 'kafka');
const pomFile = path.join(toolsDir, 'pom.xml');
const log4jFile = path.join(toolsDir, 'log4j.properties');

const SETUP_HINT =
  'Kafka for tests needs Java 17+ and Maven: apt-get install openjdk-17-jre-headless maven, ' +
  'or set KAFKA_BROKERS to an existing broker';
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 30_000;
const PROBE_INTERVAL_MS = 200;
const MARKER = '.complete';

// Modest heap: tests move a few messages. SerialGC and C1-only JIT start fastest on 2 cores and
// need the fewest threads; peak throughput does not matter here.
const JVM_OPTS = [
  '-Xms64m',
  '-Xmx512m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-Djava.awt.headless=true',
  // Class-data sharing notes (e.g. "Pre JDK 6 class not supported by CDS") would fill the log.
  '-Xlog:cds=error',
  `-Dlog4j.configuration=${pathToFileURL(log4jFile).href}`,
];

// ---------------------------------------------------------------------------------------------
// Tools on this machine

/** The first executable `name` on PATH, or undefined; no process is spawned. */
function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/** Reads the JDK's `release` file rather than running `java -version`: a JVM launch costs ~0.5 s. */
function javaMajorVersion(javaPath: string): number | undefined {
  try {
    const home = path.dirname(path.dirname(realpathSync(javaPath)));
    const release = readFileSync(path.join(home, 'release'), 'utf8');
    const version = /^JAVA_VERSION="(\d+)/m.exec(release)?.[1];
    return version === undefined ? undefined : Number(version);
  } catch {
    return undefined;
  }
}

function requireJava(): string {
  const fromHome = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : undefined;
  const java = fromHome && existsSync(fromHome) ? fromHome : findOnPath('java');
  if (!java) throw new Error(`java not found. ${SETUP_HINT}`);
  const major = javaMajorVersion(java);
  // Unknown layouts pass: the broker's own error (in the log tail) is then the explanation.
  if (major !== undefined && major < 17) throw new Error(`${java} is Java ${major}. ${SETUP_HINT}`);
  return java;
}

function requireMaven(): string {
  const mvn = findOnPath('mvn');
  if (!mvn) throw new Error(`mvn not found (needed once to download the Kafka jars). ${SETUP_HINT}`);
  return mvn;
}

// ---------------------------------------------------------------------------------------------
// Jars

/** The Kafka version pinned in tools/kafka/pom.xml, the single place it is written. */
function kafkaVersionOf(pom: string): string {
  const version = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1];
  if (!version) throw new Error(`${pomFile} has no <kafka.version> property`);
  return version;
}

async function readMarker(file: string): Promise<string | undefined> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

/**
 * The directory of Kafka's runtime jars, downloaded once with Maven into
 * `.cache/kafka/<version>/libs`. The marker holds a hash of the pom, so an edited pom or a
 * download cut short is redone; Maven is not needed while the cache is good.
 */
export async function ensureKafkaJars(): Promise<string> {
  requireJava();
  const pom = await readFile(pomFile, 'utf8');
  const pomHash = createHash('sha256').update(pom).digest('hex');
  const versionDir = path.join(repoRoot, '.cache', 'kafka', kafkaVersionOf(pom));
  const libs = path.join(versionDir, 'libs');
  if ((await readMarker(path.join(libs, MARKER))) === pomHash) return libs;

  const mvn = requireMaven();
  await mkdir(versionDir, { recursive: true });
  // Download into a private folder and rename it into place: a concurrent or interrupted run
  // never leaves a half-filled `libs` that looks complete.
  const staging = await mkdtemp(path.join(versionDir, 'libs.partial-'));
  try {
    await runMaven(mvn, staging);
    await writeFile(path.join(staging, MARKER), `${pomHash}\n`);
    await rm(libs, { recursive: true, force: true });
    await rename(staging, libs);
  } catch (error) {
    // Another process may have won the rename race; its result is as good as ours.
    if ((await readMarker(path.join(libs, MARKER))) === pomHash) return libs;
    throw error;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return libs;
}

async function runMaven(mvn: string, outputDir: string): Promise<void> {
  const args = [
    '-q',
    '-B',
    '-f',
    pomFile,
    'dependency:copy-dependencies',
    '-DincludeScope=runtime',
    `-DoutputDirectory=${outputDir}`,
  ];
  const { code, output } = await runCollecting(mvn, args);
  if (code !== 0) {
    throw new Error(`Maven could not fetch the Kafka jars (exit ${code}):\n${lastLines(output, 30)}\n${SETUP_HINT}`);
  }
}

function runCollecting(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output: Buffer.concat(chunks).toString('utf8') }));
  });
}

// ---------------------------------------------------------------------------------------------
// Class-data sharing

interface ClassDataSharing {
  /** JVM options: use the archive, or (no archive yet) dump one when this JVM exits. */
  options: string[];
  /** Called once the JVM exited: keeps a complete dump, discards anything else. */
  settle(exitCode: number | string | undefined): void;
}

/**
 * An AppCDS archive of the broker's classes, kept next to the jars: mapping it instead of loading
 * thousands of classes from the jars cuts about a third (~1 s here) off every JVM start. The first
 * broker that stops gracefully writes it (its stop takes a few seconds longer, once). The name
 * carries the JDK, since an archive only fits the JVM that wrote it; a stale one is ignored by the
 * JVM (-Xshare:auto), never fatal.
 */
function classDataSharing(java: string, libs: string, dumpIfMissing: boolean): ClassDataSharing {
  const archive = path.join(path.dirname(libs), `classes-${jdkFingerprint(java)}.jsa`);
  if (existsSync(archive)) return { options: [`-XX:SharedArchiveFile=${archive}`], settle: () => {} };
  if (!dumpIfMissing) return { options: [], settle: () => {} };
  const partial = `${archive}.${process.pid}-${randomBytes(4).toString('hex')}.partial`;
  return {
    options: [`-XX:ArchiveClassesAtExit=${partial}`],
    settle: (exitCode) => {
      // A SIGKILL can cut the dump short; only an orderly exit leaves a usable archive.
      const orderly = exitCode !== undefined && exitCode !== 'SIGKILL';
      try {
        if (orderly && existsSync(partial)) renameSync(partial, archive);
        else rmSync(partial, { force: true });
      } catch {
        rmSync(partial, { force: true });
      }
    },
  };
}

function jdkFingerprint(java: string): string {
  const home = path.dirname(path.dirname(realpathSync(java)));
  let release = '';
  try {
    release = readFileSync(path.join(home, 'release'), 'utf8');
  } catch {
    // no release file: the path alone identifies the JDK
  }
  return createHash('sha256').update(home).update(release).digest('hex').slice(0, 12);
}

// ---------------------------------------------------------------------------------------------
// Configuration and storage

interface BrokerLayout {
  port: number;
  controllerPort: number;
  dataDir: string;
  logDir: string;
  propertiesFile: string;
  logFile: string;
  pidFile: string;
}

/**
 * Free ports on 127.0.0.1, all held open together so they differ from one another. They are
 * taken below the kernel's ephemeral range when possible: while the broker is stopped, a port in
 * that range could become the source port of some outgoing connection, and restart() on the same
 * port would then fail to bind.
 */
async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const server = createServer();
      servers.push(server);
      ports.push(await listenOnFreePort(server));
    }
    return ports;
  } finally {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}

async function listenOnFreePort(server: Server): Promise<number> {
  const low = 10_000;
  const high = ephemeralRangeStart();
  for (let attempt = 0; attempt < 50 && high > low; attempt += 1) {
    const candidate = low + Math.floor(Math.random() * (high - low));
    if (
      await listenOn(server, candidate).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  return listenOn(server, 0); // any port the kernel gives
}

function ephemeralRangeStart(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32_768;
  } catch {
    return 32_768;
  }
}

function listenOn(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      const address = server.address();
      if (typeof address === 'object' && address) resolve(address.port);
      else reject(new Error('no port assigned'));
    });
  });
}

function serverProperties(layout: BrokerLayout): string {
  const { port, controllerPort, logDir } = layout;
  return `${[
    '# Written by tools/kafka/broker.ts: single-node KRaft broker for tests and development.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${logDir}`,
    'num.partitions=3',
    'auto.create.topics.enable=true',
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'min.insync.replicas=1',
    'group.initial.rebalance.delay.ms=0',
    '# Fast start on small machines: fewer internal partitions to create on first use (defaults',
    '# 50/50), fewer threads, quicker unfencing of the broker by its own controller.',
    'offsets.topic.num.partitions=5',
    'transaction.state.log.num.partitions=5',
    'num.network.threads=2',
    'num.io.threads=4',
    'background.threads=2',
    'num.recovery.threads.per.data.dir=1',
    'broker.heartbeat.interval.ms=500',
    '# After a kill the controller waits out the old session before the broker may register again.',
    'broker.session.timeout.ms=3000',
    'controller.quorum.election.timeout.ms=500',
    'controller.quorum.fetch.timeout.ms=1000',
  ].join('\n')}\n`;
}

/**
 * A Kafka cluster id, made here rather than by `StorageTool random-uuid` to save one JVM start:
 * 16 random bytes as unpadded URL-safe base64, avoiding what Kafka's Uuid.randomUuid avoids
 * (a leading '-', the all-zero id and the reserved metadata-topic id 0…01).
 */
function randomClusterId(): string {
  for (;;) {
    const bytes = randomBytes(16);
    const id = bytes.toString('base64url');
    const reserved = bytes.subarray(0, 15).every((b) => b === 0) && (bytes[15] ?? 0) <= 1;
    if (!id.startsWith('-') && !reserved) return id;
  }
}

/** Formats the log dir once; a formatted dir (meta.properties present) costs no JVM start. */
async function formatStorageOnce(java: string, libs: string, layout: BrokerLayout): Promise<void> {
  if (existsSync(path.join(layout.logDir, 'meta.properties'))) return;
  const args = [
    ...JVM_OPTS,
    ...classDataSharing(java, libs, false).options,
    '-cp',
    path.join(libs, '*'),
    'kafka.tools.StorageTool',
    'format',
    '-t',
    randomClusterId(),
    '-c',
    layout.propertiesFile,
    '--ignore-formatted',
  ];
  const { code, output } = await runCollecting(java, args);
  await writeFile(layout.logFile, output, { flag: 'a' });
  if (code !== 0) throw new Error(`Kafka StorageTool format failed (exit ${code}):\n${lastLines(output, 30)}`);
}

// ---------------------------------------------------------------------------------------------
// Readiness

/**
 * Asks the broker for metadata (Metadata v4, no topics). The broker answers only once it accepts
 * requests, and lists itself only once its controller unfenced it — the point where creating a
 * topic with replication factor 1 works. A TCP connect alone succeeds too early (the kernel
 * accepts before Kafka does), and log lines depend on the log configuration.
 */
function brokerListsItself(port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let received = Buffer.alloc(0);
    const finish = (ready: boolean): void => {
      socket.destroy();
      resolve(ready);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('close', () => finish(false));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      // size(4) correlation_id(4) throttle_time_ms(4) brokers.length(4)
      if (received.length >= 16) finish(received.readInt32BE(12) > 0);
    });
    socket.connect(port, '127.0.0.1', () => socket.write(metadataRequest()));
  });
}

function metadataRequest(): Buffer {
  const clientId = Buffer.from('kafka-broker-probe');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4 + 1);
  let at = body.writeInt16BE(3, 0); // api_key: Metadata
  at = body.writeInt16BE(4, at); // api_version 4: served by Kafka 2.x through 4.x
  at = body.writeInt32BE(1, at); // correlation_id
  at = body.writeInt16BE(clientId.length, at);
  at += clientId.copy(body, at);
  at = body.writeInt32BE(0, at); // topics: empty array = none
  body.writeInt8(0, at); // allow_auto_topic_creation: false
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

async function waitUntilReady(child: RunningJvm, layout: BrokerLayout): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== undefined) {
      throw new Error(`Kafka broker exited during start (${child.exitCode}); ${logTail(layout.logFile, child.logOffset)}`);
    }
    if (await brokerListsItself(layout.port)) return;
    await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS));
  }
  throw new Error(
    `Kafka broker not ready within ${READY_TIMEOUT_MS / 1000} s on port ${layout.port}; ${logTail(layout.logFile, child.logOffset)}`,
  );
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

/** The end of what this JVM wrote (the file may hold earlier runs), led by its likely cause. */
function logTail(logFile: string, fromOffset: number): string {
  try {
    const log = readFileSync(logFile).subarray(fromOffset).toString('utf8');
    // Java stack traces bury the reason; the innermost "Caused by" usually names it.
    const cause = log.match(/^Caused by: .*$/gm)?.at(-1);
    return `${cause ? `${cause.slice('Caused by: '.length)}; ` : ''}last lines of ${logFile}:\n${lastLines(log, 40)}`;
  } catch {
    return `no log at ${logFile}`;
  }
}

// ---------------------------------------------------------------------------------------------
// The broker process

interface RunningJvm {
  pid: number;
  /** Size of the log file when this JVM started: its own output begins here. */
  logOffset: number;
  /** undefined while running; the exit code, or the signal name, once it exited. */
  exitCode: number | string | undefined;
  exited: Promise<void>;
  kill(signal: NodeJS.Signals): Promise<void>;
  waitForExit(): Promise<void>;
}

/** Children still running, killed when this process exits so no broker outlives a test run. */
const liveChildren = new Set<ChildProcess>();
/** Temp data dirs made here, removed at exit (not at stop: restart needs them). */
const ownedDataDirs = new Set<string>();
let exitHookInstalled = false;

/** Synchronous, so that it can run in an 'exit' handler: SIGKILL is all that surely works there. */
function killBrokersAndCleanUp(): void {
  for (const child of liveChildren) child.kill('SIGKILL');
  for (const dir of ownedDataDirs) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', killBrokersAndCleanUp);
  // A signal's default action ends Node without 'exit' handlers, and vitest ends its fork workers
  // with SIGTERM. Clean up, then die of the signal as we would have without this listener.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      // Another listener owns this signal (the dev CLI stops gracefully); the exit hook still runs.
      if (process.listenerCount(signal) > 1) return;
      killBrokersAndCleanUp();
      process.off(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

function spawnBroker(java: string, libs: string, layout: BrokerLayout, extraOpts: string[]): RunningJvm {
  const log = openSync(layout.logFile, 'a');
  const logOffset = fstatSync(log).size;
  let child: ChildProcess;
  try {
    child = spawn(java, [...JVM_OPTS, ...extraOpts, '-cp', path.join(libs, '*'), 'kafka.Kafka', layout.propertiesFile], {
      cwd: layout.dataDir,
      // The broker's output belongs in its log file, never in the test output.
      stdio: ['ignore', log, log],
    });
  } finally {
    closeSync(log);
  }
  if (child.pid === undefined) throw new Error(`could not start ${java}; ${SETUP_HINT}`);
  // Unreferenced: a test that forgets stop() still lets Node exit, and the exit hook kills the JVM.
  child.unref();
  liveChildren.add(child);
  return trackJvm(child, child.pid, logOffset, layout.pidFile);
}

function trackJvm(child: ChildProcess, pid: number, logOffset: number, pidFile: string): RunningJvm {
  const jvm: RunningJvm = {
    pid,
    logOffset,
    exitCode: undefined,
    exited: new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        jvm.exitCode = code ?? signal ?? 'unknown';
        liveChildren.delete(child);
        rmSync(pidFile, { force: true });
        resolve();
      });
    }),
    kill: async (signal) => {
      if (jvm.exitCode === undefined) child.kill(signal);
      await jvm.waitForExit();
    },
    waitForExit: () => {
      // Referenced while someone waits: an unreferenced child would let Node exit mid-await.
      child.ref();
      return jvm.exited;
    },
  };
  void writeFile(pidFile, `${pid}\n`).catch(() => {});
  return jvm;
}

/**
 * A broker left running by a process that was killed outright (no exit hook ran) still holds the
 * data dir's lock and the ports. Kill it when its command line names our properties file, so a
 * recycled pid of some other program is never touched.
 */
async function killLeftoverBroker(layout: BrokerLayout): Promise<void> {
  try {
    const pid = Number(readFileSync(layout.pidFile, 'utf8').trim());
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!commandLine.includes(layout.propertiesFile)) return;
    process.kill(pid, 'SIGKILL');
    await waitForProcessGone(pid);
  } catch {
    // no pid file, or that process is gone: nothing left over
  }
}

async function waitForProcessGone(pid: number): Promise<void> {
  for (let i = 0; i < 50 && existsSync(`/proc/${pid}`); i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
}

async function stopGracefully(jvm: RunningJvm): Promise<void> {
  if (jvm.exitCode !== undefined) return;
  process.kill(jvm.pid, 'SIGTERM');
  // A paused JVM cannot run its shutdown hook; wake it so SIGTERM takes effect.
  process.kill(jvm.pid, 'SIGCONT');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
  });
  const outcome = await Promise.race([jvm.waitForExit().then(() => 'exited' as const), timeout]);
  clearTimeout(timer);
  if (outcome === 'timeout') await jvm.kill('SIGKILL');
}

async function layoutFor(opts: KafkaBrokerOptions): Promise<BrokerLayout> {
  const [freePort, freeControllerPort] = await freePorts(2);
  const port = opts.port ?? freePort;
  const controllerPort = opts.controllerPort ?? freeControllerPort;
  if (port === undefined || controllerPort === undefined) throw new Error('no free ports on 127.0.0.1');
  const dataDir = path.resolve(opts.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'kafka-broker-'))));
  if (!opts.dataDir) ownedDataDirs.add(dataDir);
  await mkdir(dataDir, { recursive: true });
  return {
    port,
    controllerPort,
    dataDir,
    // A subfolder: Kafka refuses folders in log.dirs that are not topic partitions.
    logDir: path.join(dataDir, 'kraft-logs'),
    propertiesFile: path.join(dataDir, 'server.properties'),
    logFile: path.resolve(opts.logFile ?? path.join(dataDir, 'broker.log')),
    pidFile: path.join(dataDir, 'broker.pid'),
  };
}

/**
 * Starts a single-node KRaft broker and resolves once it serves clients. Costs one JVM start
 * (two the first time a data dir is used: format, then the broker).
 */
export async function startKafkaBroker(opts: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
  const java = requireJava();
  const libs = await ensureKafkaJars();
  const layout = await layoutFor(opts);
  installExitHook();
  await killLeftoverBroker(layout);
  await writeFile(layout.propertiesFile, serverProperties(layout));
  await formatStorageOnce(java, libs, layout);

  const launch = async (): Promise<RunningJvm> => {
    const cds = classDataSharing(java, libs, true);
    const started = spawnBroker(java, libs, layout, cds.options);
    try {
      await waitUntilReady(started, layout);
    } catch (error) {
      // A broker that never served writes no archive worth keeping.
      await started.kill('SIGKILL');
      cds.settle('SIGKILL');
      throw error;
    }
    void started.exited.then(() => cds.settle(started.exitCode));
    return started;
  };
  let jvm = await launch();

  return {
    brokers: `127.0.0.1:${layout.port}`,
    get pid() {
      return jvm.pid;
    },
    logFile: layout.logFile,
    dataDir: layout.dataDir,
    stop: () => stopGracefully(jvm),
    kill: () => jvm.kill('SIGKILL'),
    pause: () => {
      if (jvm.exitCode === undefined) process.kill(jvm.pid, 'SIGSTOP');
    },
    resume: () => {
      if (jvm.exitCode === undefined) process.kill(jvm.pid, 'SIGCONT');
    },
    restart: async () => {
      await stopGracefully(jvm);
      jvm = await launch();
    },
  };
}
