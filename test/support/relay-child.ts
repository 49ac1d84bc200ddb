import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Starts test/support/relay-process.ts, and waits for what it says. */

const relayScript = fileURLToPath(new URL('./relay-process.ts', import.meta.url));

export type RelayHang = 'before-publish' | 'after-publish' | 'pause-before-publish';

export interface RelayChild {
  process: ChildProcess;
  /** Resolves at the first line of its output that matches (also one said already). */
  said(pattern: RegExp): Promise<string>;
  /** SIGKILL, and wait for the exit. */
  kill(): Promise<void>;
}

export function startRelayProcess(env: { DATABASE_URL: string; KAFKA_BROKERS: string }, hang: RelayHang): RelayChild {
  // One node process (not the tsx wrapper, which would leave its child running after SIGKILL).
  const relay = spawn(process.execPath, ['--import', 'tsx', relayScript], {
    env: { ...process.env, ...env, RELAY_HANG: hang },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let output = '';
  const waiting = new Set<() => void>();
  relay.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    for (const check of waiting) check();
  });
  const exited = new Promise<void>((resolve) => relay.once('exit', () => resolve()));
  return {
    process: relay,
    said: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const line = output.split('\n').find((candidate) => pattern.test(candidate));
          if (line === undefined) return;
          waiting.delete(check);
          resolve(line);
        };
        waiting.add(check);
        relay.once('exit', (code) => reject(new Error(`relay process exited (${code}) before saying ${pattern}`)));
        check();
      }),
    kill: async () => {
      if (relay.exitCode === null && relay.signalCode === null) relay.kill('SIGKILL');
      await exited;
    },
  };
}
