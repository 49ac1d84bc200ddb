import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FreshCache, freshnessSeconds } from '../../../src/clients/fresh-cache.js';

describe('how long an answer may be kept (Cache-Control, Age)', () => {
  it('keeps an answer max-age less its Age, and nothing without max-age', () => {
    expect(freshnessSeconds('max-age=60')).toBe(60);
    expect(freshnessSeconds('public, max-age=60', '15')).toBe(45);
    expect(freshnessSeconds('max-age=60', '90')).toBe(0);
    expect(freshnessSeconds('Max-Age="30"')).toBe(30);
    expect(freshnessSeconds(undefined)).toBe(0);
    expect(freshnessSeconds('')).toBe(0);
    expect(freshnessSeconds('public')).toBe(0);
    expect(freshnessSeconds('s-maxage=60')).toBe(0);
  });

  it('keeps nothing told no-store or no-cache, whatever else the header says', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 1_000_000 }),
        fc.constantFrom('no-store', 'no-cache', 'NO-STORE', ' no-cache="set-cookie"'),
        fc.boolean(),
        (maxAge, refusal, first) => {
          const directives = first ? [refusal, `max-age=${maxAge}`] : [`max-age=${maxAge}`, refusal];
          expect(freshnessSeconds(directives.join(','))).toBe(0);
        },
      ),
      { seed: 1201, numRuns: 200 },
    );
  });

  it('is max(0, max-age − Age) for any values, and 0 for a malformed or repeated max-age or any header text', () => {
    fc.assert(
      fc.property(fc.nat({ max: 999_999_999 }), fc.option(fc.nat({ max: 999_999_999 })), (maxAge, age) => {
        const header = `private, max-age=${maxAge}`;
        expect(freshnessSeconds(header, age === null ? undefined : String(age))).toBe(Math.max(0, maxAge - (age ?? 0)));
        expect(freshnessSeconds(`${header}, max-age=${maxAge}`)).toBe(0);
      }),
      { seed: 1202, numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.string({ maxLength: 20 }), (header, age) => {
        const seconds = freshnessSeconds(header, age);
        expect(Number.isInteger(seconds) && seconds >= 0 && seconds <= 999_999_999).toBe(true);
      }),
      { seed: 1203, numRuns: 500 },
    );
    for (const malformed of ['max-age=', 'max-age=-5', 'max-age=1e3', 'max-age=12.5', 'max-age=ten', 'max-age=99999999999']) {
      expect(freshnessSeconds(malformed)).toBe(0);
    }
  });
});

describe('the cache of fresh answers', () => {
  it('gives a value back until its own expiry, then forgets it', () => {
    let now = 1_000_000;
    const cache = new FreshCache<string>(10, () => now);
    cache.set('a', 'trip a', 60);
    cache.set('b', 'trip b', 5);
    now += 4_999;
    expect([cache.get('a'), cache.get('b')]).toEqual(['trip a', 'trip b']);
    now += 1;
    expect([cache.get('a'), cache.get('b')]).toEqual(['trip a', undefined]);
    now += 55_000;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps nothing for 0 seconds, and a newer answer replaces an older one', () => {
    const cache = new FreshCache<string>(10);
    cache.set('a', 'old', 60);
    cache.set('a', 'new', 60);
    expect(cache.get('a')).toBe('new');
    cache.set('a', 'gone', 0);
    expect(cache.get('a')).toBeUndefined();
  });

  it('never holds more than its capacity, and drops the entry used longest ago first', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 40 })), { maxLength: 300 }),
        (capacity, steps) => {
          const cache = new FreshCache<number>(capacity);
          // The model: keys in order of use, most recent last.
          let used: number[] = [];
          for (const [write, key] of steps) {
            if (write) {
              cache.set(String(key), key, 60);
              used = [...used.filter((k) => k !== key), key].slice(-capacity);
            } else {
              const hit = cache.get(String(key));
              expect(hit).toBe(used.includes(key) ? key : undefined);
              if (hit !== undefined) used = [...used.filter((k) => k !== key), key];
            }
            expect(cache.size).toBe(used.length);
            expect(cache.size).toBeLessThanOrEqual(capacity);
          }
        },
      ),
      { seed: 1204, numRuns: 200 },
    );
  });
});
