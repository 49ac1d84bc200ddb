import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../../src/clients/circuit-breaker.js';
import { backoffDelay, ServiceCaller } from '../../../src/clients/http.js';
import { DependencyFailedError } from '../../../src/domain/index.js';

const policy = { retries: 2, baseDelayMs: 100, maxDelayMs: 1_000 };

function caller(responses: (() => Response | Promise<Response>)[]) {
  const calls: string[] = [];
  const sleeps: number[] = [];
  const fakeFetch = (async (input: string | URL | Request) => {
    calls.push(String(input));
    const next = responses[Math.min(calls.length - 1, responses.length - 1)];
    if (!next) throw new Error('no response');
    return next();
  }) as typeof fetch;
  const client = new ServiceCaller({
    service: 'guest-profiles',
    baseUrl: 'http://guests.test',
    timeoutMs: 1_000,
    retry: policy,
    breaker: new CircuitBreaker('guest-profiles', { failureThreshold: 100, coolDownMs: 1_000 }),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    fetch: fakeFetch,
  });
  return { client, calls, sleeps };
}

const json = (status: number, body: unknown) => () => new Response(JSON.stringify(body), { status });
const refused = () => {
  throw new TypeError('fetch failed');
};

describe('calls to a service', () => {
  it('retries an idempotent call after a 503 and a refused connection, with backoff', async () => {
    const { client, calls, sleeps } = caller([json(503, {}), refused, json(200, { ok: true })]);
    await expect(client.call('/v1/guests:validate', { method: 'POST', body: {}, idempotent: true })).resolves.toEqual({
      status: 200,
      body: { ok: true },
    });
    expect(calls).toHaveLength(3);
    expect(sleeps).toEqual([50, 100]);
  });

  it('never repeats a call that is not idempotent', async () => {
    const { client, calls } = caller([json(503, {}), json(200, {})]);
    await expect(client.call('/v1/deposits', { method: 'POST', body: {}, idempotent: false })).rejects.toBeInstanceOf(
      DependencyFailedError,
    );
    expect(calls).toHaveLength(1);
  });

  it('gives up after the bounded number of attempts with DEPENDENCY_FAILED', async () => {
    const { client, calls } = caller([json(500, {})]);
    await expect(client.call('/v1/trips', { idempotent: true })).rejects.toMatchObject({ code: 'DEPENDENCY_FAILED' });
    expect(calls).toHaveLength(3);
  });

  it('hands a 4xx answer back as it is, without retrying', async () => {
    const { client, calls } = caller([json(404, { error: { code: 'NOT_FOUND' } })]);
    await expect(client.call('/v1/trips/x', { idempotent: true })).resolves.toEqual({
      status: 404,
      body: { error: { code: 'NOT_FOUND' } },
    });
    expect(calls).toHaveLength(1);
  });

  it('draws each delay between 0 and the exponential bound, capped', () => {
    for (const attempt of [0, 1, 2, 3, 10]) {
      const bound = Math.min(1_000, 100 * 2 ** attempt);
      expect(backoffDelay(attempt, policy, () => 0)).toBe(0);
      expect(backoffDelay(attempt, policy, () => 0.999999)).toBeLessThan(bound);
      expect(backoffDelay(attempt, policy, () => 0.999999)).toBeGreaterThanOrEqual(bound - 1);
    }
  });
});
