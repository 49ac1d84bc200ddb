import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The real entry point (src/main.ts, with the tracing preload as `npm start` has it) in a process
 * of its own; resolves with its URL once it logs that it is serving. Its stderr is passed through
 * and kept (`stderr()`): what Node and the preload print there is not a log line.
 */
export function spawnService(env: Record<string, string>): Promise<{ url: string; process: ChildProcess; stderr: () => string }> {
  const service = spawn(process.execPath, ['--import', 'tsx', '--import', './src/observability/instrument.ts', 'src/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  service.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
    process.stderr.write(chunk);
  });
  return new Promise((resolve, reject) => {
    let buffer = '';
    service.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      if (process.env.SPAWNED_SERVICE_DEBUG) process.stderr.write(chunk);
      const match = /"url":"(http:\/\/localhost:\d+\/graphql)"/.exec(buffer);
      if (match?.[1]) resolve({ url: match[1].replace('localhost', '127.0.0.1'), process: service, stderr: () => errors });
    });
    service.once('exit', (code) => reject(new Error(`service exited before it was ready (${code})`)));
  });
}
