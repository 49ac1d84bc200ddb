import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exponentialDelay } from '../../../src/events/backoff.js';

describe('the relay backoff', () => {
  it('waits the initial delay first, then doubles up to the cap (5 s … 1 h for notifications)', () => {
    const delay = exponentialDelay({ initialMs: 5_000, maxMs: 3_600_000 });
    expect([1, 2, 3, 4].map(delay)).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(delay(10)).toBe(2_560_000);
    expect(delay(11)).toBe(3_600_000);
    expect(delay(100_000)).toBe(3_600_000);
  });

  it('is min(cap, initial·2^(retry−1)) for any settings', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60_000 }),
        fc.integer({ min: 1, max: 3_600_000 }),
        fc.integer({ min: 1, max: 200 }),
        (initialMs, maxMs, retry) => {
          expect(exponentialDelay({ initialMs, maxMs })(retry)).toBe(Math.min(maxMs, initialMs * 2 ** (retry - 1)));
        },
      ),
      { seed: 1205, numRuns: 200 },
    );
  });
});
