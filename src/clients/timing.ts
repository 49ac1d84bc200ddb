import { setTimeout as delay } from 'node:timers/promises';

/**
 * The clock, the waits and the dice of the resilience code, injected so unit tests run a retry
 * schedule or a breaker cool-down in no time and with known jitter.
 */
export interface Timing {
  /** Milliseconds on a monotonic-enough clock; only differences are used. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Uniform in [0, 1). */
  random(): number;
}

export const systemTiming: Timing = {
  now: () => performance.now(),
  sleep: async (ms, signal) => {
    await delay(ms, undefined, signal ? { signal } : undefined);
  },
  random: Math.random,
};
