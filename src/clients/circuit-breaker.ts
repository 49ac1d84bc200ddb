/**
 * A circuit breaker per downstream service. Closed: calls go through; after `failureThreshold`
 * consecutive failures it opens. Open: calls fail at once without reaching the service, for
 * `coolDownMs`. Half-open: one probe goes through; success closes it, failure opens it again. It
 * recovers by itself; the clock is injected so tests need not wait.
 */

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  failureThreshold: number;
  coolDownMs: number;
  now?: () => number;
  onStateChange?: (state: BreakerState) => void;
}

export class CircuitOpenError extends Error {
  override name = 'CircuitOpenError';
  constructor(readonly service: string) {
    super(`${service} is unavailable (circuit open)`);
  }
}

export class CircuitBreaker {
  private state: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  private readonly now: () => number;

  constructor(
    readonly service: string,
    private readonly options: BreakerOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  current(): BreakerState {
    if (this.state === 'open' && this.now() - this.openedAt >= this.options.coolDownMs) this.transition('half-open');
    return this.state;
  }

  async run<T>(call: () => Promise<T>): Promise<T> {
    const state = this.current();
    if (state === 'open' || (state === 'half-open' && this.probing)) throw new CircuitOpenError(this.service);
    const probe = state === 'half-open';
    if (probe) this.probing = true;
    try {
      const result = await call();
      this.failures = 0;
      if (this.state !== 'closed') this.transition('closed');
      return result;
    } catch (error) {
      this.failures++;
      if (probe || this.failures >= this.options.failureThreshold) {
        this.openedAt = this.now();
        this.transition('open');
      }
      throw error;
    } finally {
      if (probe) this.probing = false;
    }
  }

  private transition(state: BreakerState): void {
    if (state === this.state) return;
    this.state = state;
    this.options.onStateChange?.(state);
  }
}
