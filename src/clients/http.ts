import { DependencyFailedError } from '../domain/index.js';
import { freshnessSeconds } from './fresh-cache.js';
import { isBreakerOpen, isServiceFailure, RetryableFailure, type ServicePolicies } from './resilience.js';
import { HttpTransport, type Send } from './transport.js';

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
  /** How an attempt goes over the wire (tests hand in their own); by default a keep-alive HttpTransport of its own. */
  send?: Send;
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
  /** How long the service lets the answer be kept (its Cache-Control and Age, ./fresh-cache.ts); 0: not at all. */
  freshSeconds: number;
}

export type CallOutcome = 'ok' | 'client_error' | 'failed' | 'breaker_open';

export class ServiceCaller {
  /** The service's connections (one keep-alive Agent, see ./transport.ts); none when `send` was given. */
  private readonly transport: HttpTransport | null;
  private readonly send: Send;

  constructor(private readonly options: ServiceCallerOptions) {
    if (options.send) {
      this.transport = null;
      this.send = options.send;
    } else {
      this.transport = new HttpTransport(options.baseUrl);
      this.send = this.transport.send;
    }
  }

  /** Closes the service's connections (shutdown). */
  close(): void {
    this.transport?.close();
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
    const { status, text, cacheControl, age } = await this.send({
      method: options.method ?? 'GET',
      path,
      headers: {
        accept: 'application/json',
        ...(options.body !== undefined && { 'content-type': 'application/json' }),
        ...options.headers,
      },
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
      signal,
    });
    if (status === 429 || status >= 500) {
      throw new RetryableFailure(`${this.options.service} answered ${status}`);
    }
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      throw new RetryableFailure(`${this.options.service} answered something that is not JSON`);
    }
    return { status, body: body as T, freshSeconds: freshnessSeconds(cacheControl, age) };
  }
}
