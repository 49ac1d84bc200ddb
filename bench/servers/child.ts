import { writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';

/**
 * The side of a server under test that talks to the benchmark runner: it is a child process
 * with an IPC channel; it says when it listens, answers questions, and stops when told.
 */

export type ChildMessage = { type: 'ready'; port: number } | { type: 'reply'; id: number; value: unknown };
export type ParentMessage = { type: 'stop' } | { type: 'ask'; id: number; question: string };

const answers = new Map<string, () => unknown>();
let profiler: Session | null = null;

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

export function announceReady(info: { port: number }): void {
  process.send?.({ type: 'ready', port: info.port } satisfies ChildMessage);
}

/** What the runner may ask this process, e.g. its statement counts. */
export function answer(question: string, reply: () => unknown): void {
  answers.set(question, reply);
}

/** The CPU time this process has used (µs, user and system): the runner's CPU per request. */
answer('cpu', () => process.cpuUsage());

/**
 * A V8 CPU profile of a window of the run (the runner starts it before a measurement and stops it
 * after), so the profile shows the work of that measurement and not the idle time around it.
 */
answer('profile:start', async () => {
  profiler = new Session();
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.setSamplingInterval', { interval: 200 });
  await profiler.post('Profiler.start');
  return true;
});
answer('profile:stop', async () => {
  const session = profiler;
  if (!session) return null;
  profiler = null;
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  const file = `${process.env.BENCH_PROFILE_DIR ?? '.'}/${process.env.BENCH_PROFILE_NAME ?? 'server'}-${Date.now()}.cpuprofile`;
  await writeFile(file, JSON.stringify(profile));
  return file;
});

export function onStop(stop: () => Promise<void>): void {
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'ask') {
      const reply = answers.get(message.question);
      Promise.resolve(reply ? reply() : null).then((value) =>
        process.send?.({ type: 'reply', id: message.id, value } satisfies ChildMessage),
      );
      return;
    }
    if (message.type === 'stop') {
      // process.exit (not a natural end) so that --cpu-prof writes its profile.
      stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    }
  });
  process.on('disconnect', () => process.exit(0));
}

/** Listens on PORT (0: any free one), says so to the runner, and on stop closes, then releases. */
export async function serve(server: Server, release: () => Promise<void>): Promise<void> {
  await new Promise<void>((resolve) => server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', resolve));
  announceReady({ port: (server.address() as AddressInfo).port });
  onStop(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await release();
  });
}
