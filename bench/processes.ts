import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ChildMessage, ParentMessage } from './servers/child.js';

/**
 * Each server under test runs in a process of its own, so it has a CPU to itself as far as a
 * 2-core machine allows, and the load generator in this process does not slow it down: compiled
 * and under plain `node` as deployed (build.ts), or from its TypeScript under tsx (`--tsx`).
 */

export interface ServerProcess {
  name: string;
  port: number;
  pid: number;
  ask<T>(question: string): Promise<T>;
  stop(): Promise<void>;
}

export interface StartOptions {
  env: Record<string, string>;
  /** Where the CPU profiles of measurement windows go (see servers/child.ts). */
  cpuProfileDir?: string | undefined;
  /** The compiled servers (build.ts); when absent, the TypeScript sources run under tsx. */
  buildDir?: string | undefined;
}

export function startServer(name: string, script: string, options: StartOptions): Promise<ServerProcess> {
  const execArgv = options.buildDir ? [] : ['--import', 'tsx'];
  const scriptUrl = options.buildDir
    ? new URL(`bench/servers/${script.replace(/\.ts$/, '.js')}`, pathToFileURL(options.buildDir))
    : new URL(`./servers/${script}`, import.meta.url);
  const profileEnv: Record<string, string> = {};
  if (options.cpuProfileDir) {
    mkdirSync(options.cpuProfileDir, { recursive: true });
    Object.assign(profileEnv, { BENCH_PROFILE_DIR: options.cpuProfileDir, BENCH_PROFILE_NAME: name });
  }
  // Its logs go to a file of their own (bench/results/tmp/<name>.log), not into the report.
  const logDir = fileURLToPath(new URL('./results/tmp/', import.meta.url));
  mkdirSync(logDir, { recursive: true });
  const logFile = openSync(`${logDir}${name}.log`, 'w');
  const child: ChildProcess = fork(fileURLToPath(scriptUrl), [], {
    env: { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1', ...profileEnv, ...options.env },
    execArgv,
    stdio: ['ignore', logFile, logFile, 'ipc'],
  });
  let nextId = 1;
  const waiting = new Map<number, (value: unknown) => void>();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before it was ready; see ${logDir}${name}.log`)));
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'reply') {
        waiting.get(message.id)?.(message.value);
        waiting.delete(message.id);
        return;
      }
      resolve({
        name,
        port: message.port,
        pid: child.pid ?? 0,
        ask: <T>(question: string) =>
          new Promise<T>((answered) => {
            const id = nextId++;
            waiting.set(id, answered as (value: unknown) => void);
            child.send({ type: 'ask', id, question } satisfies ParentMessage);
          }),
        stop: async () => {
          if (child.exitCode !== null) return;
          child.send({ type: 'stop' } satisfies ParentMessage);
          const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
          await exited;
          clearTimeout(timer);
        },
      });
    });
  });
}

/** Runs a load against `server` and adds the CPU time the server's process spent per request. */
export async function measureCpu<T extends { requests: number; cpuMsPerRequest?: number }>(
  server: ServerProcess,
  run: () => Promise<T>,
): Promise<T> {
  const before = await server.ask<NodeJS.CpuUsage>('cpu');
  const result = await run();
  const after = await server.ask<NodeJS.CpuUsage>('cpu');
  const cpuMs = (after.user - before.user + after.system - before.system) / 1000;
  if (result.requests > 0) result.cpuMsPerRequest = Math.round((cpuMs / result.requests) * 1000) / 1000;
  return result;
}
