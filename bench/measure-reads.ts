import { measureCpuSplit, perRequest } from './cpu-split.js';
import type { LoadRequest, LoadResult } from './load.js';
import { runLoad, runPaced } from './load.js';
import { limitRequests, peerRequests, subgraphRequests, type Targets } from './operations.js';
import { measureCpu, type ServerProcess } from './processes.js';
import type { StatementCounts } from './servers/statement-counter.js';

/**
 * Reads 1–3, each target in turn and the runs interleaved (run 1 of every target, then run 2 …),
 * so a slow minute of the machine does not land on one target only.
 */

export interface ReadSettings {
  runs: number;
  seconds: number;
  /** Read 1 is a throughput race: as many requests as the server answers, over this many connections. */
  read1Connections: number;
  /** Reads 2 and 3 are latency targets, measured at a steady request rate. */
  read2Rate: number;
  read3Rate: number;
  latencyConnections: number;
  /** Profile the subgraph's CPU during its last run of each read. */
  profile: boolean;
  log: (line: string) => void;
}

export interface Measured {
  load: LoadResult;
  /** Subgraph only, with --profile: the CPU profile of this window. */
  profileFile?: string;
  /** Read 1: the machine's CPU by process per request (`service` is the server under test). */
  cpuPerRequest?: ReturnType<typeof perRequest>;
}

export type ReadName = 'read1' | 'read2' | 'read3';
export type ReadResults = Record<ReadName, Record<string, Measured[]>> & {
  /** The subgraph's SQL statements during a counting pass of each read (same load, 3 s). */
  statements: Record<ReadName, StatementCounts>;
};

interface Target {
  name: 'subgraph' | 'limit' | 'peer';
  server: ServerProcess;
  requests: Partial<Record<ReadName, () => LoadRequest>>;
}

const WARM_UP_SECONDS = { read1: 15, other: 3 };

export async function measureReads(
  servers: { subgraph: ServerProcess; limit: ServerProcess; peer: ServerProcess },
  targets: Targets,
  settings: ReadSettings,
): Promise<ReadResults> {
  const all: Target[] = [
    { name: 'limit', server: servers.limit, requests: limitRequests(targets) },
    { name: 'peer', server: servers.peer, requests: peerRequests(targets) },
    { name: 'subgraph', server: servers.subgraph, requests: subgraphRequests(targets) },
  ];
  const plan: { read: ReadName; connections: number; rate?: number }[] = [
    { read: 'read1', connections: settings.read1Connections },
    { read: 'read2', connections: settings.latencyConnections, rate: settings.read2Rate },
    { read: 'read3', connections: settings.latencyConnections, rate: settings.read3Rate },
  ];
  const results = { read1: {}, read2: {}, read3: {}, statements: {} } as ReadResults;

  // V8 needs more than 3 s of read 1 to settle: the subgraph's CPU per request fell from ~0.77 to
  // ~0.47 ms between its first and second 10 s run after a 3 s warm-up (2026-12-01), so the first
  // run measured the JIT. Every target gets the same warm-up.
  settings.log(`warm-up: ${WARM_UP_SECONDS.read1} s of read 1, ${WARM_UP_SECONDS.other} s of the other reads, on every target`);
  for (const step of plan) {
    for (const target of all) {
      const next = target.requests[step.read];
      const seconds = step.read === 'read1' ? WARM_UP_SECONDS.read1 : WARM_UP_SECONDS.other;
      if (next) await runLoad({ url: `http://127.0.0.1:${target.server.port}`, next, connections: step.connections, seconds });
    }
  }
  const subgraph = subgraphRequests(targets);
  for (const step of plan) {
    await servers.subgraph.ask('count:on');
    await servers.subgraph.ask('statements');
    const url = `http://127.0.0.1:${servers.subgraph.port}`;
    if (step.rate) await runPaced({ url, next: subgraph[step.read], seconds: 3, rate: step.rate });
    else await runLoad({ url, next: subgraph[step.read], connections: step.connections, seconds: 3 });
    results.statements[step.read] = await servers.subgraph.ask<StatementCounts>('statements');
    await servers.subgraph.ask('count:off');
    settings.log(`${step.read}: ${statementsPerRequest(results.statements[step.read])} SQL statements per request`);
  }

  for (let run = 1; run <= settings.runs; run++) {
    for (const step of plan) {
      for (const target of all) {
        const next = target.requests[step.read];
        if (!next) continue;
        const profiled = settings.profile && target.name === 'subgraph' && run === settings.runs;
        if (profiled) await target.server.ask('profile:start');
        const url = `http://127.0.0.1:${target.server.port}`;
        const { result: load, split } = await measureCpuSplit({ service: target.server.pid, stubs: 0 }, () =>
          measureCpu(target.server, () =>
            step.rate
              ? runPaced({ url, next, seconds: settings.seconds, rate: step.rate })
              : runLoad({ url, next, connections: step.connections, seconds: settings.seconds }),
          ),
        );
        const measured: Measured = { load };
        if (!step.rate) measured.cpuPerRequest = perRequest(split, load.requests);
        if (profiled) measured.profileFile = await target.server.ask<string>('profile:stop');
        const byTarget = results[step.read];
        byTarget[target.name] = [...(byTarget[target.name] ?? []), measured];
        settings.log(
          `run ${run} ${step.read} ${target.name.padEnd(8)} ${load.throughput} req/s, p50 ${load.latencyMs.p50} ms, ` +
            `p99 ${load.latencyMs.p99} ms, CPU ${load.cpuMsPerRequest} ms/request, failures ${load.failures}` +
            (measured.cpuPerRequest
              ? `\n    CPU ms a request: server ${measured.cpuPerRequest.ms.service}, PostgreSQL ${measured.cpuPerRequest.ms.postgres}, ` +
                `load generator ${measured.cpuPerRequest.ms.runner}, other ${measured.cpuPerRequest.ms.other}`
              : '') +
            (load.firstFailure ? `\n    first failure: ${load.firstFailure}` : ''),
        );
      }
    }
  }
  return results;
}

export function statementsPerRequest(counts: StatementCounts): number {
  return counts.requests === 0 ? 0 : Math.round((counts.statements / counts.requests) * 100) / 100;
}
