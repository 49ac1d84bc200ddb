import { readdirSync, readFileSync } from 'node:fs';

/**
 * Where the machine's CPU goes during a measurement, by process, from /proc: the service's
 * process (all its threads, the relay's included), the stubs, PostgreSQL (every `postgres`
 * process), the Kafka broker (the JVM), the benchmark's own process (load generator and event
 * reader), and the rest. On a 2-core machine that every part shares, this says how much of a
 * request's cost is the service's and how many requests a second the machine could take if the
 * service cost nothing (BENCHMARKS.md, write 4).
 */

export type CpuGroup = 'service' | 'stubs' | 'postgres' | 'kafka' | 'runner' | 'other';

/**
 * `serviceMainThread` is part of `service`: the event loop that serves requests, without the
 * relay's thread. `serviceKernel` is part of `service` too: its time in the kernel (system time of
 * all its threads), mostly the loopback sockets of its requests, SQL statements and calls.
 */
export type CpuKey = CpuGroup | 'serviceMainThread' | 'serviceKernel';

export interface CpuSplit {
  /** Wall-clock seconds of the window. */
  seconds: number;
  /** CPU milliseconds over the window, by group. */
  ms: Record<CpuKey, number>;
  /** Busy share of all cores over the window (0–1). */
  busy: number;
  cores: number;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime + stime (or stime alone) of a process (all its threads), or of one of its threads. */
function ticksOf(pid: number, thread?: number, kernelOnly = false): number {
  try {
    // Fields after the command (which may contain spaces) start after the last ')'.
    const stat = readFileSync(thread ? `/proc/${pid}/task/${thread}/stat` : `/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (kernelOnly ? 0 : Number(fields[11])) + Number(fields[12]); // utime, stime
  } catch {
    return 0;
  }
}

function commOf(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

function machineTicks(): { busy: number; total: number; cores: number } {
  const lines = readFileSync('/proc/stat', 'utf8').split('\n');
  const [, ...values] = (lines[0] ?? '').trim().split(/\s+/).map(Number);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  const total = values.slice(0, 8).reduce((sum, value) => sum + value, 0);
  return { busy: total - idle, total, cores: lines.filter((line) => /^cpu\d/.test(line)).length };
}

function snapshot(pids: { service: number; stubs: number }): {
  groups: Record<CpuKey, number>;
  machine: ReturnType<typeof machineTicks>;
} {
  const groups: Record<CpuKey, number> = {
    service: 0,
    serviceMainThread: 0,
    serviceKernel: 0,
    stubs: 0,
    postgres: 0,
    kafka: 0,
    runner: 0,
    other: 0,
  };
  groups.service = ticksOf(pids.service);
  groups.serviceMainThread = ticksOf(pids.service, pids.service);
  groups.serviceKernel = ticksOf(pids.service, undefined, true);
  groups.stubs = ticksOf(pids.stubs);
  groups.runner = ticksOf(process.pid);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const comm = commOf(entry);
    if (comm === 'postgres') groups.postgres += ticksOf(Number(entry));
    else if (comm === 'java') groups.kafka += ticksOf(Number(entry));
  }
  return { groups, machine: machineTicks() };
}

/** Runs `work` and says how the machine's CPU was spent meanwhile. */
export async function measureCpuSplit<T>(
  pids: { service: number; stubs: number },
  work: () => Promise<T>,
): Promise<{ result: T; split: CpuSplit }> {
  const started = performance.now();
  const before = snapshot(pids);
  const result = await work();
  const after = snapshot(pids);
  const seconds = (performance.now() - started) / 1000;
  const ms = {} as Record<CpuKey, number>;
  let known = 0;
  for (const group of ['service', 'stubs', 'postgres', 'kafka', 'runner'] as const) {
    ms[group] = (after.groups[group] - before.groups[group]) * TICK_MS;
    known += ms[group];
  }
  for (const part of ['serviceMainThread', 'serviceKernel'] as const) {
    ms[part] = (after.groups[part] - before.groups[part]) * TICK_MS;
  }
  // /proc/stat counts in the same ticks, per core.
  const busyMs = (after.machine.busy - before.machine.busy) * TICK_MS;
  ms.other = Math.max(0, busyMs - known);
  const totalMs = (after.machine.total - before.machine.total) * TICK_MS;
  return {
    result,
    split: { seconds, ms, busy: totalMs > 0 ? Math.round((busyMs / totalMs) * 100) / 100 : 0, cores: after.machine.cores },
  };
}

/** Per request, and the rate the machine could take were the service free: cores / everything else's cost. */
export function perRequest(split: CpuSplit, requests: number): { ms: Record<CpuKey, number>; ceilingWithoutService: number } {
  const ms = Object.fromEntries(
    Object.entries(split.ms).map(([group, value]) => [group, Math.round((value / Math.max(1, requests)) * 100) / 100]),
  ) as Record<CpuKey, number>;
  const others = ms.stubs + ms.postgres + ms.kafka + ms.runner + ms.other;
  return { ms, ceilingWithoutService: others > 0 ? Math.round((split.cores * 1000) / others) : 0 };
}
