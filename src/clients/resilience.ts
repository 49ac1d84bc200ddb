import {
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  fullJitterGenerator,
  handleWhen,
  type IPolicy,
  isBrokenCircuitError,
  isTaskCancelledError,
  retry,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';
import { AnswerTooLarge, NoAnswer } from './transport.js';

/**
 * The resilience of every call to another service, built from cockatiel's policies:
 *
 *   timeout (the whole budget) → circuit breaker → retry with backoff → one attempt
 *
 * - The timeout is outermost and aggressive, so DEPENDENCY_TIMEOUT_MS bounds the call whatever
 *   happens inside: attempts, backoff waits, or waiting behind a half-open breaker's probe. Its
 *   abort signal reaches the request (./transport.ts), so an attempt in flight is cancelled and its
 *   socket closed, not left running. It aborts only when the budget runs out, not after every call
 *   (`abortOnReturn: false`): nothing is left to cancel once a call returned, and each abort builds
 *   a DOMException (a 2% frame of write 4's profile, BENCHMARKS.md).
 * - The breaker wraps the retries, so it sees one outcome per call: a call that failed after all
 *   its attempts (or ran out of budget) is one failure; the attempts of one call cannot open it.
 *   Open, it fails the call before any attempt; after the cool-down the next call is the probe.
 * - Retries only for failures that may pass (no answer, 429, 5xx) and only when the caller says
 *   the call is idempotent; a wait with full jitter spreads callers that failed together.
 */

export interface RetrySettings {
  /** Attempts after the first (idempotent calls only). */
  retries: number;
  /** The wait before the first retry is drawn below this; the bound doubles per retry. */
  baseDelayMs: number;
  /** No wait is longer than this. */
  maxDelayMs: number;
}

export interface ResilienceSettings {
  /** The whole budget of one call, retries and waits included. */
  timeoutMs: number;
  retry: RetrySettings;
  breaker: { failureThreshold: number; coolDownMs: number };
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/** An answer that says "later" (429, 5xx) or that is not JSON: worth another attempt. (Too long: ./transport.ts.) */
export class RetryableFailure extends Error {
  override name = 'RetryableFailure';
}

/**
 * No answer from the service: whatever the connection reported (refused, reset, socket hang up,
 * ETIMEDOUT, DNS, TLS: NoAnswer, see ./transport.ts) and a cancelled attempt. A TypeError or any
 * other error is a bug of ours: not retried, not counted, not DEPENDENCY_FAILED.
 */
function isNoAnswer(error: unknown): boolean {
  return error instanceof NoAnswer || (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError'));
}

/** A failure of the service, as opposed to a bug of ours: counted by the breaker, mapped to DEPENDENCY_FAILED. */
export function isServiceFailure(error: unknown): boolean {
  return (
    error instanceof RetryableFailure ||
    error instanceof AnswerTooLarge ||
    isNoAnswer(error) ||
    isTaskCancelledError(error) ||
    isBrokenCircuitError(error)
  );
}

export const isBreakerOpen = (error: unknown): boolean => isBrokenCircuitError(error);

export interface ServicePolicies {
  /** For reads, checks and writes under an idempotency key. */
  idempotent: IPolicy;
  /** For a call that must not be repeated: the same budget and breaker, one attempt. */
  once: IPolicy;
  breaker: CircuitBreakerPolicy;
}

export function servicePolicies(settings: ResilienceSettings, onBreakerChange?: (state: BreakerState) => void): ServicePolicies {
  const budget = timeout(settings.timeoutMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false });
  const breaker = circuitBreaker(handleWhen(isServiceFailure), {
    breaker: new ConsecutiveBreaker(settings.breaker.failureThreshold),
    halfOpenAfter: settings.breaker.coolDownMs,
  });
  if (onBreakerChange) breaker.onStateChange((state) => onBreakerChange(breakerStateName(state)));
  const retries = retry(
    handleWhen((error) => error instanceof RetryableFailure || isNoAnswer(error)),
    {
      maxAttempts: settings.retry.retries,
      backoff: new ExponentialBackoff({
        generator: fullJitterGenerator,
        initialDelay: settings.retry.baseDelayMs,
        maxDelay: settings.retry.maxDelayMs,
      }),
    },
  );
  return { idempotent: wrap(budget, breaker, retries), once: wrap(budget, breaker), breaker };
}

/** Cockatiel's state in the words of our metrics; a manually isolated breaker is open. */
export function breakerStateName(state: CircuitState): BreakerState {
  if (state === CircuitState.Closed) return 'closed';
  if (state === CircuitState.HalfOpen) return 'half-open';
  return 'open';
}
