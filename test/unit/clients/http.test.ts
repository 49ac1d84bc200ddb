import { isTaskCancelledError } from 'cockatiel';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type CallOutcome, ServiceCaller } from '../../../src/clients/http.js';
import { type BreakerState, type ResilienceSettings, servicePolicies } from '../../../src/clients/resilience.js';
import {
  AnswerTooLarge,
  NoAnswer,
  type OutboundAnswer,
  type OutboundRequest,
  type Send,
} from '../../../src/clients/transport.js';
import { DependencyFailedError } from '../../../src/domain/index.js';

type Answer = (signal: AbortSignal) => OutboundAnswer | Promise<OutboundAnswer>;

const settings: ResilienceSettings = {
  timeoutMs: 1_000,
  retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 },
  breaker: { failureThreshold: 100, coolDownMs: 10_000 },
};

/** A service that answers from a script (the last answer repeats), counting attempts that reached it. */
function caller(answers: Answer[], overrides: Partial<ResilienceSettings> = {}) {
  const attempts: AbortSignal[] = [];
  const requests: OutboundRequest[] = [];
  const outcomes: CallOutcome[] = [];
  const states: BreakerState[] = [];
  const script = { answers };
  const fakeSend: Send = async (request) => {
    attempts.push(request.signal);
    requests.push(request);
    const next = script.answers[Math.min(attempts.length - 1, script.answers.length - 1)];
    if (!next) throw new Error('no answer scripted');
    return next(request.signal);
  };
  const policies = servicePolicies({ ...settings, ...overrides }, (state) => states.push(state));
  const client = new ServiceCaller({
    service: 'guest-profiles',
    baseUrl: 'http://guests.test',
    policies,
    onCall: (_service, outcome) => outcomes.push(outcome),
    send: fakeSend,
  });
  return { client, attempts, requests, outcomes, states, script };
}

const json = (status: number, body: unknown) => () => ({ status, text: JSON.stringify(body) });
/** What the transport rejects with when the connection fails (node:http's error as its cause). */
const lost = (code: string, message: string) => () => {
  throw new NoAnswer(Object.assign(new Error(message), { code }));
};
const refused = lost('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1');
/** Never answers; an abort of the attempt is the only way out, as with a real socket. */
const silent: Answer = (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
/** Answers 503 after `ms`, unless the attempt is cancelled first. */
const slow503 =
  (ms: number): Answer =>
  (signal) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => resolve({ status: 503, text: '{}' }), ms);
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
      freshSeconds: 0,
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
    await expect(client.call('/v1/trips/x', read)).resolves.toEqual({
      status: 404,
      body: { error: { code: 'NOT_FOUND' } },
      freshSeconds: 0,
    });
    expect(attempts).toHaveLength(1);
    expect(outcomes).toEqual(['client_error']);
  });
});

describe('what an attempt sends, and which failures are worth another', () => {
  it('sends the body as JSON, with its headers, to the path', async () => {
    const { client, requests } = caller([json(200, {})]);
    await client.call('/v1/deposits', { method: 'POST', body: { a: 1 }, headers: { 'idempotency-key': 'k' }, idempotent: true });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/deposits',
      headers: { accept: 'application/json', 'content-type': 'application/json', 'idempotency-key': 'k' },
      body: '{"a":1}',
    });
    // The budget's signal is aborted only when it runs out, not after a call that returned.
    expect(requests[0]?.signal.aborted).toBe(false);
    const read = await client.call('/v1/trips?ids=a', { idempotent: true }).then(() => requests[1]);
    expect(read).toMatchObject({ method: 'GET', path: '/v1/trips?ids=a', headers: { accept: 'application/json' } });
    expect(read?.body).toBeUndefined();
    expect(read?.headers).not.toHaveProperty('content-type');
  });

  it("retries after a reset connection, a socket hang up and a socket's timeout, as after a refused one", async () => {
    const { client, attempts, outcomes } = caller(
      [
        lost('ECONNRESET', 'read ECONNRESET'),
        lost('ECONNRESET', 'socket hang up'),
        lost('ETIMEDOUT', 'connect ETIMEDOUT'),
        json(200, {}),
      ],
      { retry: { retries: 3, baseDelayMs: 1, maxDelayMs: 2 } },
    );
    await expect(client.call('/v1/trips', read)).resolves.toEqual({ status: 200, body: {}, freshSeconds: 0 });
    expect(attempts).toHaveLength(4);
    expect(outcomes).toEqual(['ok']);
  });

  it('gives DEPENDENCY_FAILED after the retries when the connection is refused every time', async () => {
    const { client, attempts } = caller([refused]);
    const error = await client.call('/v1/trips', read).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DependencyFailedError);
    expect((error as DependencyFailedError).cause).toMatchObject({ code: 'ECONNREFUSED' });
    expect(attempts).toHaveLength(3);
  });

  it('retries an answer that is not JSON, then gives DEPENDENCY_FAILED', async () => {
    const { client, attempts, outcomes } = caller([() => ({ status: 200, text: '<html>Bad gateway</html>' })]);
    await expect(client.call('/v1/trips', read)).rejects.toMatchObject({ code: 'DEPENDENCY_FAILED' });
    expect(attempts).toHaveLength(3);
    expect(outcomes).toEqual(['failed']);
  });

  it('does not retry an answer over the size limit, and counts it as a failure of the service', async () => {
    const { client, attempts, states } = caller(
      [
        () => {
          throw new AnswerTooLarge('the answer is longer than 1048576 bytes');
        },
      ],
      { breaker: { failureThreshold: 1, coolDownMs: 10_000 } },
    );
    await expect(client.call('/v1/trips', read)).rejects.toMatchObject({ code: 'DEPENDENCY_FAILED' });
    expect(attempts).toHaveLength(1);
    expect(states).toEqual(['open']);
  });

  it('lets a bug of ours through as it is: not retried, not DEPENDENCY_FAILED, not counted by the breaker', async () => {
    const { client, attempts, outcomes, states } = caller(
      [
        () => {
          throw new TypeError('Invalid character in header content ["idempotency-key"]');
        },
      ],
      { breaker: { failureThreshold: 1, coolDownMs: 10_000 } },
    );
    await expect(client.call('/v1/trips', read)).rejects.toBeInstanceOf(TypeError);
    expect(attempts).toHaveLength(1);
    expect(outcomes).toEqual(['failed']);
    expect(states).toEqual([]);
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
