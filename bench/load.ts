import http from 'node:http';
import autocannon from 'autocannon';

/** One autocannon run against one server, requests drawn from `next` (e.g. a random id each). */

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadSpec {
  url: string;
  next: () => LoadRequest;
  connections: number;
  seconds: number;
  /** Requests per second over all connections; none = as fast as the server answers. */
  rate?: number | undefined;
}

export interface LoadResult {
  requests: number;
  /** Requests answered per second (2xx without GraphQL errors). */
  throughput: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** Non-2xx, connection errors, timeouts and answers carrying GraphQL `errors`. */
  failures: number;
  firstFailure: string | null;
  /** The server process's CPU time (user + system) over the window, per request sent (measureCpu). */
  cpuMsPerRequest?: number;
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  let failures = 0;
  let firstFailure: string | null = null;
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.seconds,
    ...(spec.rate && { overallRate: spec.rate }),
    requests: [
      {
        setupRequest: (request) => {
          const next = spec.next();
          return {
            ...request,
            method: next.method,
            path: next.path,
            headers: { ...request.headers, ...next.headers },
            ...(next.body !== undefined && { body: next.body }),
          };
        },
        onResponse: (status, body) => {
          if (status >= 200 && status < 300 && !body.includes('"errors"')) return;
          failures++;
          firstFailure ??= `${status} ${body.slice(0, 500)}`;
        },
      },
    ],
  });
  const answered = result.requests.total - failures;
  return {
    requests: result.requests.total,
    throughput: round(answered / result.duration),
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: round(result.latency.mean),
    },
    failures: failures + result.errors + result.timeouts,
    firstFailure: firstFailure ?? (result.errors > 0 ? `${result.errors} connection errors` : null),
  };
}

export const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * Open-loop load for the latency targets: requests leave at a fixed rate whatever the answers
 * do (a gateway does not wait for one answer before sending the next), each on a free keep-alive
 * connection, and latency counts from the planned send time, so a stall is not hidden by a
 * generator that waits for it (autocannon's `overallRate` sends each second's quota in a burst).
 */
export async function runPaced(spec: Omit<LoadSpec, 'connections'> & { rate: number }): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const target = new URL(spec.url);
  const interval = 1000 / spec.rate;
  const total = Math.round(spec.rate * spec.seconds);
  const latencies: number[] = [];
  let failures = 0;
  let firstFailure: string | null = null;
  const started = performance.now();
  const sendOne = (plannedAt: number) =>
    new Promise<void>((resolve) => {
      const next = spec.next();
      const request = http.request(
        { host: target.hostname, port: target.port, path: next.path, method: next.method, headers: next.headers, agent },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            latencies.push(performance.now() - plannedAt);
            const body = Buffer.concat(chunks).toString();
            const status = response.statusCode ?? 0;
            if (status < 200 || status >= 300 || body.includes('"errors"')) {
              failures++;
              firstFailure ??= `${status} ${body.slice(0, 500)}`;
            }
            resolve();
          });
        },
      );
      request.on('error', (error) => {
        failures++;
        firstFailure ??= String(error);
        resolve();
      });
      request.end(next.body);
    });
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const plannedAt = started + i * interval;
    const wait = plannedAt - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(sendOne(plannedAt));
  }
  await Promise.all(inFlight);
  agent.destroy();
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN, 2);
  return {
    requests: total,
    throughput: round((total - failures) / seconds),
    latencyMs: {
      p50: at(0.5),
      p90: at(0.9),
      p99: at(0.99),
      max: round(latencies.at(-1) ?? Number.NaN, 2),
      mean: round(latencies.reduce((sum, value) => sum + value, 0) / Math.max(1, latencies.length), 2),
    },
    failures,
    firstFailure,
  };
}
