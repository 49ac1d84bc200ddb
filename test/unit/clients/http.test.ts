import { isTaskCancelledError } from 'cockatiel';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type CallOutcome, ServiceCaller } from '../../../src/clients/http.js';
import { type BreakerState, type ResilienceSettings, servicePolicies } from '../../../src/clients/resilience.js';
import { DependencyFailedError } from '../../../src/domain/index.js';

type Answer = (signal: AbortSignal) => Response | Promise<Response>;

const settings: ResilienceSettings = {
  timeoutMs: 1_000,
  retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 },
  breaker: { failureThreshold: 100, coolDownMs: 10_000 },
};

/** A service that answers from a script (the last answer repeats), counting attempts that reached it. */
function caller(answers: Answer[], overrides: Partial<ResilienceSettings> = {}) {
  const attempts: AbortSignal[] = [];
  const outcomes: CallOutcome[] = [];
  const states: BreakerState[] = [];
  const script = { answers };
  const fakeFetch = (async (_input: string | URL | Request, init?: RequestInit) => {
    const signal = init?.signal ?? new AbortController().signal;
    attempts.push(signal);
    const next = script.answers[Math.min(attempts.length - 1, script.answers.length - 1)];
    if (!next) throw new Error('no answer scripted');
    return next(signal);
  }) as typeof fetch;
  const policies = servicePolicies({ ...settings, ...overrides }, (state) => states.push(state));
  const client = new ServiceCaller({
    service: 'guest-profiles',
    baseUrl: 'http://guests.test',
    policies,
    onCall: (_service, outcome) => outcomes.push(outcome),
    fetch: fakeFetch,
  });
  return { client, attempts, outcomes, states, script };
}

const json = (status: number, body: unknown) => () => new Response(JSON.stringify(body), { status });
const refused = () => {
  throw new TypeError('fetch failed');
};
/** Never answers; an abort of the attempt is the only way out, as with a real socket. */
const silent: Answer = (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
/** Answers 503 after `ms`, unless the attempt is cancelled first. */
const slow503 =
  (ms: number): Answer =>
  (signal) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => resolve(new Response('{}', { status: 503 })), ms);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(signal.reason);
      });
    });

const read = { idempotent: true } as const;

afterEach(() => {
  vi.useRealTimers();
});

describe('calls to a service', () => {
  it('retries an idempotent call after a 503 and a refused connection', async () => {
    const { client, attempts } = caller([json(503, {}), refused, json(200, { ok: true })]);
    await expect(client.call('/v1/guests:validate', { method: 'POST', body: {}, idempotent: true })).resolves.toEqual({
      status: 200,
      body: { ok: true },
    });
    expect(attempts).toHaveLength(3);
  });

  it('never repeats a call that is not idempotent', async () => {
    const { client, attempts } = caller([json(503, {}), json(200, {})]);
    await expect(client.call('/v1/deposits', { method: 'POST', body: {}, idempotent: false })).rejects.toBeInstanceOf(
      DependencyFailedError,
    );
    expect(attempts).toHaveLength(1);
  });

  it('gives up after the bounded number of attempts with DEPENDENCY_FAILED', async () => {
    const { client, attempts, outcomes } = caller([json(500, {})]);
    await expect(client.call('/v1/trips', read)).rejects.toMatchObject({ code: 'DEPENDENCY_FAILED' });
    expect(attempts).toHaveLength(3);
    expect(outcomes).toEqual(['failed']);
  });

  it('hands a 4xx answer back as it is, without retrying', async () => {
    const { client, attempts, outcomes } = caller([json(404, { error: { code: 'NOT_FOUND' } })]);
    await expect(client.call('/v1/trips/x', read)).resolves.toEqual({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect(attempts).toHaveLength(1);
    expect(outcomes).toEqual(['client_error']);
  });
});

describe('the time budget covers the whole call', () => {
  it('spends the budget on a service that never answers and makes no attempt after it', async () => {
    vi.useFakeTimers();
    const { client, attempts } = caller([silent]);
    const call = client.call('/v1/trips', read).catch((error: unknown) => error);
    const settled = vi.fn();
    void call.then(settled);
    await vi.advanceTimersByTimeAsync(999);
    expect(settled).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    const error = await call;
    expect(error).toBeInstanceOf(DependencyFailedError);
    expect(isTaskCancelledError((error as DependencyFailedError).cause)).toBe(true);
    // Per-attempt timeouts would have made three attempts of a second each.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]?.aborted).toBe(true);
  });

  it('cancels the attempt in flight when the budget runs out between retries', async () => {
    vi.useFakeTimers();
    // Each attempt fails after 400 ms; waits are below 100 ms: the third starts before 1 s, is cut.
    const { client, attempts } = caller([slow503(400)], { retry: { retries: 5, baseDelayMs: 100, maxDelayMs: 100 } });
    const call = client.call('/v1/trips', read).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await call).toBeInstanceOf(DependencyFailedError);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(attempts).toHaveLength(3);
    expect(attempts.every((signal) => signal.aborted)).toBe(true);
  });
});

describe('the circuit breaker counts calls, not attempts', () => {
  it('opens after the threshold of failed calls, each with its retries, then fails fast', async () => {
    const { client, attempts, outcomes, states } = caller([json(503, {})], {
      breaker: { failureThreshold: 3, coolDownMs: 10_000 },
    });
    for (let call = 1; call <= 2; call++) {
      await expect(client.call('/v1/trips', read)).rejects.toBeInstanceOf(DependencyFailedError);
      expect(attempts).toHaveLength(3 * call);
      expect(states).toEqual([]);
    }
    await expect(client.call('/v1/trips', read)).rejects.toBeInstanceOf(DependencyFailedError);
    expect(states).toEqual(['open']);
    await expect(client.call('/v1/trips', read)).rejects.toMatchObject({ code: 'DEPENDENCY_FAILED' });
    expect(attempts).toHaveLength(9);
    expect(outcomes).toEqual(['failed', 'failed', 'failed', 'breaker_open']);
  });

  it('counts a call that ran out of budget as one failure', async () => {
    vi.useFakeTimers();
    const { client, attempts, states } = caller([silent], { breaker: { failureThreshold: 2, coolDownMs: 10_000 } });
    const first = client.call('/v1/trips', read).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await first).toBeInstanceOf(DependencyFailedError);
    expect(states).toEqual([]);
    const second = client.call('/v1/trips', read).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await second).toBeInstanceOf(DependencyFailedError);
    expect(states).toEqual(['open']);
    expect(attempts).toHaveLength(2);
  });

  it('lets one probe call through after the cool-down, and closes when it succeeds', async () => {
    vi.useFakeTimers();
    const { client, attempts, states, script } = caller([json(503, {})], {
      retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 },
      breaker: { failureThreshold: 1, coolDownMs: 10_000 },
    });
    await expect(client.call('/v1/trips', read)).rejects.toBeInstanceOf(DependencyFailedError);
    script.answers = [json(200, { trips: [] })];
    vi.advanceTimersByTime(9_999);
    await expect(client.call('/v1/trips', read)).rejects.toBeInstanceOf(DependencyFailedError);
    expect(attempts).toHaveLength(1);
    vi.advanceTimersByTime(1);
    await expect(client.call('/v1/trips', read)).resolves.toMatchObject({ status: 200 });
    expect(attempts).toHaveLength(2);
    expect(states).toEqual(['open', 'half-open', 'closed']);
  });

  it('opens again when the probe call fails after its retries, for another cool-down', async () => {
    vi.useFakeTimers();
    const { client, attempts, states } = caller([json(503, {})], { breaker: { failureThreshold: 1, coolDownMs: 10_000 } });
    const first = client.call('/v1/trips', read).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(10);
    expect(await first).toBeInstanceOf(DependencyFailedError);
    vi.advanceTimersByTime(10_000);
    const probe = client.call('/v1/trips', read).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(10);
    expect(await probe).toBeInstanceOf(DependencyFailedError);
    expect(attempts).toHaveLength(6);
    expect(states).toEqual(['open', 'half-open', 'open']);
    await expect(client.call('/v1/trips', read)).rejects.toBeInstanceOf(DependencyFailedError);
    expect(attempts).toHaveLength(6);
  });

  it('holds other calls while the probe is out, and fails them without an attempt when it fails', async () => {
    vi.useFakeTimers();
    const { client, attempts, script } = caller([json(503, {})], {
      retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 },
      breaker: { failureThreshold: 1, coolDownMs: 10_000 },
    });
    await expect(client.call('/v1/trips', read)).rejects.toBeInstanceOf(DependencyFailedError);
    vi.advanceTimersByTime(10_000);
    script.answers = [slow503(300)];
    const probe = client.call('/v1/trips', read).catch((error: unknown) => error);
    const waiting = client.call('/v1/trips', read).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(299);
    expect(attempts).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(await probe).toBeInstanceOf(DependencyFailedError);
    expect(await waiting).toMatchObject({ code: 'DEPENDENCY_FAILED' });
    expect(attempts).toHaveLength(2);
  });

  it('opens exactly when the threshold of consecutive failed calls is reached, whatever the retries (property)', async () => {
    const plan = fc.record({
      threshold: fc.integer({ min: 1, max: 4 }),
      retries: fc.integer({ min: 0, max: 2 }),
      calls: fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }),
    });
    await fc.assert(
      fc.asyncProperty(plan, async ({ threshold, retries, calls }) => {
        const { client, attempts, outcomes, script } = caller([json(200, {})], {
          retry: { retries, baseDelayMs: 0, maxDelayMs: 0 },
          breaker: { failureThreshold: threshold, coolDownMs: 60_000 },
        });
        // The model: a run of `threshold` failed calls opens the breaker for good (no cool-down here).
        let failedInARow = 0;
        let expectedAttempts = 0;
        const expectedOutcomes: CallOutcome[] = [];
        for (const succeeds of calls) {
          script.answers = [succeeds ? json(200, {}) : json(503, {})];
          await client.call('/v1/trips', read).catch(() => undefined);
          if (failedInARow >= threshold) {
            expectedOutcomes.push('breaker_open');
            continue;
          }
          expectedAttempts += succeeds ? 1 : retries + 1;
          expectedOutcomes.push(succeeds ? 'ok' : 'failed');
          failedInARow = succeeds ? 0 : failedInARow + 1;
        }
        expect(outcomes).toEqual(expectedOutcomes);
        expect(attempts).toHaveLength(expectedAttempts);
      }),
      { seed: 20261125, numRuns: 60 },
    );
  });
});
