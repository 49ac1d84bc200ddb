import { isTransientStatus } from './retry-policy.js';

/**
 * Why one attempt to call a service failed, kept as the `cause` of the DependencyFailedError the
 * use case sees, so the logs say what happened while the client learns only which service failed.
 */

export type FailureKind = 'network' | 'timeout' | 'status' | 'contract';

export class ServiceCallError extends Error {
  override name = 'ServiceCallError';

  constructor(
    readonly service: string,
    readonly operation: string,
    readonly kind: FailureKind,
    message: string,
    readonly status: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(`${service} ${operation}: ${message}`, options);
  }

  /** Might work if tried again: no answer, too slow, or an answer that says "later". */
  get transient(): boolean {
    if (this.kind === 'network' || this.kind === 'timeout') return true;
    return this.kind === 'status' && this.status !== null && isTransientStatus(this.status);
  }
}
