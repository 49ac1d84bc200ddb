import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../../src/clients/circuit-breaker.js';
import { ServiceCaller } from '../../../src/clients/http.js';
import { DependencyFailedError } from '../../../src/domain/index.js';

/** Real sockets: a server that never answers, and one that is gone. */
let calls = 0;
const silent: Server = createServer(() => {
  calls++; // never answers
});
await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
afterAll(() => {
  silent.closeAllConnections();
  silent.close();
});

let attempts = 0;
const countingFetch: typeof fetch = (input, init) => {
  attempts++;
  return fetch(input, init);
};

function callerFor(baseUrl: string, breaker = new CircuitBreaker('trip-catalog', { failureThreshold: 2, coolDownMs: 60_000 })) {
  return new ServiceCaller({
    fetch: countingFetch,
    service: 'trip-catalog',
    baseUrl,
    timeoutMs: 200,
    retry: { retries: 1, baseDelayMs: 10, maxDelayMs: 20 },
    breaker,
  });
}

describe('a slow or dead service', () => {
  it('is given up on after the timeout, attempts included, with DEPENDENCY_FAILED', async () => {
    const caller = callerFor(`http://127.0.0.1:${(silent.address() as AddressInfo).port}`);
    const started = Date.now();
    await expect(caller.call('/v1/trips?ids=a', { idempotent: true })).rejects.toBeInstanceOf(DependencyFailedError);
    const elapsed = Date.now() - started;
    expect(calls).toBe(2);
    // Two attempts of 200 ms and one short backoff: bounded, whatever the service does.
    expect(elapsed).toBeLessThan(2_000);
  });

  it('opens the breaker, after which calls fail without reaching the network', async () => {
    const gone = createServer();
    await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
    const port = (gone.address() as AddressInfo).port;
    await new Promise<void>((resolve) => gone.close(() => resolve()));
    const breaker = new CircuitBreaker('trip-catalog', { failureThreshold: 2, coolDownMs: 60_000 });
    const caller = callerFor(`http://127.0.0.1:${port}`, breaker);

    await expect(caller.call('/v1/trips', { idempotent: true })).rejects.toBeInstanceOf(DependencyFailedError);
    expect(breaker.current()).toBe('open');
    const before = attempts;
    await expect(caller.call('/v1/trips', { idempotent: true })).rejects.toMatchObject({ code: 'DEPENDENCY_FAILED' });
    expect(attempts).toBe(before);
  });
});
