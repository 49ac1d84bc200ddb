import { ExponentialBackoff, noJitterGenerator } from 'cockatiel';

/**
 * The waits after failures of the relay and the consumers, on cockatiel's ExponentialBackoff (the
 * library the service's outbound calls use): `initialMs` before the first retry, doubling, at most
 * `maxMs`. No jitter: one relay leads at a time and each consumer retries its own message, so there
 * is no crowd of retries to spread. Stateless by retry number, because a notification's count of
 * attempts lives in its outbox row, not in this process.
 */
export function exponentialDelay(options: { initialMs: number; maxMs: number }): (retry: number) => number {
  const backoff = new ExponentialBackoff({
    generator: noJitterGenerator,
    initialDelay: options.initialMs,
    maxDelay: options.maxMs,
  });
  return (retry) => {
    let step = backoff.next();
    // Once at the cap it stays there: no need to walk the thousands of retries of a long outage.
    for (let n = 1; n < retry && step.duration < options.maxMs; n++) step = step.next(undefined);
    return step.duration;
  };
}
