import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevelopmentToken, tokenRequestOf } from '../../scripts/token.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { freePort } from '../support/postgres.js';

/**
 * `npm start` as a developer runs it: a SIGTERM (or Ctrl-C's SIGINT) sent to the npm process stops
 * the whole process tree and frees the port — no second signal, no orphan holding the port.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
let db: TestDatabase;
let npm: ChildProcess | null = null;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  if (npm?.pid && npm.exitCode === null) npm.kill('SIGKILL');
  await db.drop();
});

/** Every process below `pid` (its shell, node …), read from ps. */
function psChildren(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((child) => child > 0)
      .flatMap((child) => [child, ...psChildren(child)]);
  } catch {
    return []; // ps exits 1 when there is no child
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function startNpm(
  env: Record<string, string> = { DATABASE_URL: db.url, SHUTDOWN_DRAIN_MS: '0' },
  options: { ownProcessGroup?: boolean } = {},
): Promise<{ npm: ChildProcess; port: number }> {
  const child = spawn('npm', ['start'], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
    // A terminal's Ctrl-C signals the whole foreground process group, not only npm.
    detached: options.ownProcessGroup ?? false,
  });
  npm = child;
  const port = await new Promise<number>((resolve, reject) => {
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = /"url":"http:\/\/localhost:(\d+)\/graphql"/.exec(buffer);
      if (match?.[1]) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`npm start exited before it was ready (${code})`)));
  });
  return { npm: child, port };
}

async function eventually(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('npm start', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`stops the whole process tree and frees its port on one ${signal} to the npm process`, async () => {
      const started = await startNpm();
      const tree = [started.npm.pid as number, ...psChildren(started.npm.pid as number)];
      expect(await portAnswers(started.port)).toBe(true);

      const exited = new Promise<number | null>((resolve) => started.npm.once('exit', (code) => resolve(code)));
      started.npm.kill(signal);
      await exited;
      await eventually(() => tree.every((pid) => !alive(pid)), `every process of npm start (${tree.join(', ')}) exited`);
      expect(await portAnswers(started.port)).toBe(false);
    });
  }

  it('keeps its embedded database up while it drains after a Ctrl-C to the whole process group', {
    timeout: 120_000,
  }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'npm-start-pg-'));
    try {
      const started = await startNpm(
        {
          EMBEDDED_POSTGRES_DIR: path.join(dataDir, 'pg'),
          EMBEDDED_POSTGRES_PORT: String(await freePort()),
          SHUTDOWN_DRAIN_MS: '3000',
        },
        { ownProcessGroup: true },
      );
      const tree = [started.npm.pid as number, ...psChildren(started.npm.pid as number)];
      const token = await signDevelopmentToken(tokenRequestOf(['--role', 'staff']));
      const exited = new Promise<number | null>((resolve) => started.npm.once('exit', (code) => resolve(code)));
      process.kill(-(started.npm.pid as number), 'SIGINT');
      // Still serving while it drains: a read that needs the database must still be answered.
      const response = await fetch(`http://127.0.0.1:${started.port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ reservation(id: "019ab5c4-0000-7000-8000-000000000000") { id } }' }),
      });
      const body = (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
      expect(body.errors?.map((error) => error.extensions?.code) ?? []).not.toContain('INTERNAL_SERVER_ERROR');
      expect(body.data).toEqual({ reservation: null });
      expect(await exited).toBe(0);
      await eventually(() => tree.every((pid) => !alive(pid)), `every process of npm start (${tree.join(', ')}) exited`);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('stops the embedded PostgreSQL a killed service left running, and starts its own', { timeout: 180_000 }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'npm-start-pg-'));
    const env = { EMBEDDED_POSTGRES_DIR: path.join(dataDir, 'pg'), EMBEDDED_POSTGRES_PORT: String(await freePort()) };
    try {
      const first = await startNpm({ ...env, SHUTDOWN_DRAIN_MS: '0' }, { ownProcessGroup: true });
      const firstTree = [first.npm.pid as number, ...psChildren(first.npm.pid as number)];
      const killed = new Promise((resolve) => first.npm.once('exit', resolve));
      process.kill(-(first.npm.pid as number), 'SIGKILL'); // npm, its shell and node; PostgreSQL has its own group
      await killed;
      const leftOver = firstTree.filter(alive);
      expect(leftOver.length).toBeGreaterThan(0);

      const second = await startNpm({ ...env, SHUTDOWN_DRAIN_MS: '0' }, { ownProcessGroup: true });
      await eventually(() => leftOver.every((pid) => !alive(pid)), 'the left-over PostgreSQL stopped');
      const exited = new Promise((resolve) => second.npm.once('exit', resolve));
      process.kill(-(second.npm.pid as number), 'SIGTERM');
      await exited;
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
