import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CircuitState } from 'cockatiel';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ServiceCaller } from '../../../src/clients/http.js';
import { servicePolicies } from '../../../src/clients/resilience.js';
import { HttpTransport, type Send } from '../../../src/clients/transport.js';
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

function callerFor(baseUrl: string) {
  const policies = servicePolicies({
    timeoutMs: 200,
    retry: { retries: 1, baseDelayMs: 10, maxDelayMs: 20 },
    breaker: { failureThreshold: 2, coolDownMs: 60_000 },
  });
  const transport = new HttpTransport(baseUrl);
  const countingSend: Send = (request) => {
    attempts++;
    return transport.send(request);
  };
  return { policies, caller: new ServiceCaller({ send: countingSend, service: 'trip-catalog', baseUrl, policies }) };
}

describe('a slow or dead service', () => {
  it('is given up on when the budget of the whole call is spent, with DEPENDENCY_FAILED', async () => {
    const { caller } = callerFor(`http://127.0.0.1:${(silent.address() as AddressInfo).port}`);
    const before = attempts;
    await expect(caller.call('/v1/trips?ids=a', { idempotent: true })).rejects.toBeInstanceOf(DependencyFailedError);
    // The one attempt used the whole budget: no second attempt (a per-attempt timeout made two).
    expect(attempts - before).toBe(1);
    await vi.waitFor(() => expect(calls).toBe(1));
  });

  it('opens the breaker, after which calls fail without reaching the network', async () => {
    const gone = createServer();
    await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
    const port = (gone.address() as AddressInfo).port;
    await new Promise<void>((resolve) => gone.close(() => resolve()));
    const { caller, policies } = callerFor(`http://127.0.0.1:${port}`);

    const before = attempts;
    for (let call = 0; call < 2; call++) {
      await expect(caller.call('/v1/trips', { idempotent: true })).rejects.toBeInstanceOf(DependencyFailedError);
    }
    // Two failed calls of two attempts each: the breaker counted the calls.
    expect(attempts - before).toBe(4);
    expect(policies.breaker.state).toBe(CircuitState.Open);
    await expect(caller.call('/v1/trips', { idempotent: true })).rejects.toMatchObject({ code: 'DEPENDENCY_FAILED' });
    expect(attempts - before).toBe(4);
  });
});
