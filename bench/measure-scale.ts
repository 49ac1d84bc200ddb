import type { LoadRequest, LoadResult } from './load.js';
import { runLoad } from './load.js';
import { measureCpu, type ServerProcess } from './processes.js';

/**
 * `--scale`: what a second service process gives on this machine. The same saturating load
 * (the same connections in all) against one process, then split between two processes of the
 * same service (it is stateless; the relay is leader-elected), runs interleaved.
 */

export interface ScaleRun {
  /** Requests answered per second, all processes together. */
  throughput: number;
  /** CPU of the service processes per request, all of them together. */
  cpuMsPerRequest: number;
  failures: number;
}

export interface ScaleResult {
  connections: number;
  one: ScaleRun[];
  two: ScaleRun[];
}

function combined(loads: LoadResult[]): ScaleRun {
  const requests = loads.reduce((sum, load) => sum + load.requests, 0);
  const cpuMs = loads.reduce((sum, load) => sum + (load.cpuMsPerRequest ?? 0) * load.requests, 0);
  return {
    throughput: Math.round((loads.reduce((sum, load) => sum + load.throughput, 0) * 10) / 10),
    cpuMsPerRequest: requests > 0 ? Math.round((cpuMs / requests) * 1000) / 1000 : 0,
    failures: loads.reduce((sum, load) => sum + load.failures, 0),
  };
}

export async function measureScale(
  servers: [ServerProcess, ServerProcess],
  next: () => LoadRequest,
  settings: { connections: number; seconds: number; runs: number; label: string; log: (line: string) => void },
): Promise<ScaleResult> {
  const { connections, seconds } = settings;
  const load = (server: ServerProcess, share: number) =>
    measureCpu(server, () => runLoad({ url: `http://127.0.0.1:${server.port}`, next, connections: share, seconds }));
  const result: ScaleResult = { connections, one: [], two: [] };
  for (let run = 1; run <= settings.runs; run++) {
    const one = combined([await load(servers[0], connections)]);
    const half = Math.ceil(connections / 2);
    const two = combined(await Promise.all([load(servers[0], half), load(servers[1], connections - half)]));
    result.one.push(one);
    result.two.push(two);
    settings.log(
      `run ${run} ${settings.label}: one process ${one.throughput}/s (CPU ${one.cpuMsPerRequest} ms), ` +
        `two processes ${two.throughput}/s (CPU ${two.cpuMsPerRequest} ms)`,
    );
  }
  return result;
}
