import { DependencyFailedError } from '../domain/index.js';
import { isBreakerOpen, isServiceFailure, RetryableFailure, type ServicePolicies } from './resilience.js';

/**
 * One JSON call to a service we depend on, run through that service's policies (./resilience.ts):
 * one time budget for the whole call, retries only when repeating it is safe, the service's
 * circuit breaker. Whatever still fails becomes DEPENDENCY_FAILED; answers the service meant (4xx)
 * come back to the caller as they are.
 */

export interface ServiceCallerOptions {
  service: string;
  baseUrl: string;
  policies: ServicePolicies;
  /** Told of every call (all attempts together): `ok`, `client_error` (4xx), `failed`, `breaker_open`. */
  onCall?: (service: string, outcome: CallOutcome, seconds: number) => void;
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

export class ServiceCaller {
  // Node's global fetch keeps connections alive per origin (undici's pool), and is what the
  // OpenTelemetry undici instrumentation traces.
  private readonly fetch: typeof fetch;

  constructor(private readonly options: ServiceCallerOptions) {
    this.fetch = options.fetch ?? fetch;
  }

  async call<T>(path: string, options: CallOptions): Promise<ServiceAnswer<T>> {
    const started = performance.now();
    const report = (outcome: CallOutcome) =>
      this.options.onCall?.(this.options.service, outcome, (performance.now() - started) / 1_000);
    const policy = options.idempotent ? this.options.policies.idempotent : this.options.policies.once;
    try {
      const answer = await policy.execute(({ signal }) => this.attempt<T>(path, options, signal));
      report(answer.status < 400 ? 'ok' : 'client_error');
      return answer;
    } catch (error) {
      report(isBreakerOpen(error) ? 'breaker_open' : 'failed');
      if (isServiceFailure(error)) throw new DependencyFailedError(this.options.service, { cause: error });
      throw error;
    }
  }

  private async attempt<T>(path: string, options: CallOptions, signal: AbortSignal): Promise<ServiceAnswer<T>> {
    // The budget may have run out during a backoff wait: no new attempt then.
    signal.throwIfAborted();
    const response = await this.fetch(new URL(path, this.options.baseUrl), {
      method: options.method ?? 'GET',
      headers: {
        accept: 'application/json',
        ...(options.body !== undefined && { 'content-type': 'application/json' }),
        ...options.headers,
      },
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
      signal,
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
