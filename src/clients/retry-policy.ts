/**
 * When and how long to wait before calling a service again. Only calls that are safe to repeat
 * are retried (the caller says so), and only after failures that may pass: no answer, a timeout,
 * 5xx or 429. A 4xx other than 429 would fail the same way again.
 */

export interface RetryPolicy {
  /** Retries after the first attempt; 0 means one attempt. */
  retries: number;
  /** The wait before the first retry is drawn below this; it doubles per retry. */
  baseDelayMs: number;
  /** No wait is longer than this. */
  maxDelayMs: number;
}

/**
 * Exponential backoff with full jitter: a wait drawn uniformly from [0, min(max, base·2^(n−1)))
 * for retry n. The randomness spreads the retries of many callers that failed together, so a
 * recovering service is not hit by synchronized waves.
 */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** A status that says "try again later" rather than "this request is wrong". */
export function isTransientStatus(status: number): boolean {
  return status === 429 || status >= 500;
}
