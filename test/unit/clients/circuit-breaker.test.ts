import { describe, expect, it } from 'vitest';
import { CircuitBreaker, CircuitOpenError } from '../../../src/clients/circuit-breaker.js';

function setup() {
  let now = 0;
  const states: string[] = [];
  const breaker = new CircuitBreaker('trip-catalog', {
    failureThreshold: 3,
    coolDownMs: 10_000,
    now: () => now,
    onStateChange: (state) => states.push(state),
  });
  return { breaker, states, advance: (ms: number) => (now += ms) };
}

const failing = () => Promise.reject(new Error('down'));
const working = () => Promise.resolve('ok');

describe('the circuit breaker', () => {
  it('stays closed through fewer consecutive failures than the threshold', async () => {
    const { breaker } = setup();
    await expect(breaker.run(failing)).rejects.toThrow('down');
    await expect(breaker.run(failing)).rejects.toThrow('down');
    await expect(breaker.run(working)).resolves.toBe('ok');
    await expect(breaker.run(failing)).rejects.toThrow('down');
    expect(breaker.current()).toBe('closed');
  });

  it('opens after the threshold and then fails fast without calling the service', async () => {
    const { breaker, states } = setup();
    for (let i = 0; i < 3; i++) await expect(breaker.run(failing)).rejects.toThrow('down');
    let called = false;
    await expect(
      breaker.run(async () => {
        called = true;
        return 'ok';
      }),
    ).rejects.toBeInstanceOf(CircuitOpenError);
    expect(called).toBe(false);
    expect(states).toEqual(['open']);
  });

  it('lets one probe through after the cool-down and closes when it succeeds', async () => {
    const { breaker, states, advance } = setup();
    for (let i = 0; i < 3; i++) await expect(breaker.run(failing)).rejects.toThrow();
    advance(10_000);
    expect(breaker.current()).toBe('half-open');
    await expect(breaker.run(working)).resolves.toBe('ok');
    expect(breaker.current()).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'closed']);
  });

  it('opens again at once when the probe fails, and refuses a second call during the probe', async () => {
    const { breaker, advance } = setup();
    for (let i = 0; i < 3; i++) await expect(breaker.run(failing)).rejects.toThrow();
    advance(10_000);
    let release: () => void = () => {};
    const probe = breaker.run(() => new Promise<never>((_, reject) => (release = () => reject(new Error('still down')))));
    await expect(breaker.run(working)).rejects.toBeInstanceOf(CircuitOpenError);
    release();
    await expect(probe).rejects.toThrow('still down');
    expect(breaker.current()).toBe('open');
    advance(9_999);
    expect(breaker.current()).toBe('open');
  });
});
