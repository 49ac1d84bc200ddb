import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

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

async function startNpm(): Promise<{ npm: ChildProcess; port: number }> {
  const child = spawn('npm', ['start'], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', DATABASE_URL: db.url, SHUTDOWN_DRAIN_MS: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
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
});
