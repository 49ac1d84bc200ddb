import { DependencyFailedError } from '../domain/index.js';
import { type CircuitBreaker, CircuitOpenError } from './circuit-breaker.js';

/**
 * One JSON call to a service we depend on: bounded by a timeout, retried with exponential backoff
 * and full jitter only when repeating it is safe (reads, validations, payments under an
 * idempotency key) and only for failures worth repeating (network, timeout, 429, 5xx), all behind
 * the service's circuit breaker. Whatever still fails becomes DEPENDENCY_FAILED; answers the
 * service meant (4xx) come back to the caller as they are.
 */

export interface RetryPolicy {
  /** Attempts after the first. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface ServiceCallerOptions {
  service: string;
  baseUrl: string;
  timeoutMs: number;
  retry: RetryPolicy;
  breaker: CircuitBreaker;
  /** Told of every call (all attempts together): `ok`, `client_error` (4xx), `failed`, `breaker_open`. */
  onCall?: (service: string, outcome: CallOutcome, seconds: number) => void;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  fetch?: typeof fetch;
}

export interface CallOptions {
  method?: 'GET' | 'POST';
  body?: unknown;
  headers?: Record<string, string>;
  /** Safe to repeat: a read, a check, or a write under an idempotency key. */
  idempotent: boolean;
}

export interface ServiceAnswer<T> {
  status: number;
  body: T;
}

export type CallOutcome = 'ok' | 'client_error' | 'failed' | 'breaker_open';

class RetryableFailure extends Error {}

/** Full jitter: a random delay between 0 and the exponential bound (AWS architecture blog). */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const bound = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(random() * bound);
}

export class ServiceCaller {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: ServiceCallerOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.fetch = options.fetch ?? fetch;
  }

  async call<T>(path: string, options: CallOptions): Promise<ServiceAnswer<T>> {
    const started = performance.now();
    const report = (outcome: CallOutcome) =>
      this.options.onCall?.(this.options.service, outcome, (performance.now() - started) / 1_000);
    try {
      const answer = await this.attempts<T>(path, options);
      report(answer.status < 400 ? 'ok' : 'client_error');
      return answer;
    } catch (error) {
      report(error instanceof DependencyFailedError && error.cause instanceof CircuitOpenError ? 'breaker_open' : 'failed');
      throw error;
    }
  }

  private async attempts<T>(path: string, options: CallOptions): Promise<ServiceAnswer<T>> {
    const attempts = options.idempotent ? this.options.retry.retries + 1 : 1;
    let lastError: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await this.sleep(backoffDelay(attempt - 1, this.options.retry, this.random));
      try {
        return await this.options.breaker.run(() => this.once<T>(path, options));
      } catch (error) {
        lastError = error;
        if (error instanceof CircuitOpenError || !(error instanceof RetryableFailure || isNetworkError(error))) break;
      }
    }
    if (lastError instanceof RetryableFailure || lastError instanceof CircuitOpenError || isNetworkError(lastError)) {
      throw new DependencyFailedError(this.options.service, { cause: lastError });
    }
    throw lastError;
  }

  private async once<T>(path: string, options: CallOptions): Promise<ServiceAnswer<T>> {
    const response = await this.fetch(new URL(path, this.options.baseUrl), {
      method: options.method ?? 'GET',
      headers: {
        accept: 'application/json',
        ...(options.body !== undefined && { 'content-type': 'application/json' }),
        ...options.headers,
      },
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    const text = await response.text();
    if (response.status === 429 || response.status >= 500) {
      throw new RetryableFailure(`${this.options.service} answered ${response.status}`);
    }
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      throw new RetryableFailure(`${this.options.service} answered something that is not JSON`);
    }
    return { status: response.status, body: body as T };
  }
}

/** fetch's own failures: refused or reset connections, DNS, and our timeout (AbortSignal). */
function isNetworkError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError' || error instanceof TypeError);
}
