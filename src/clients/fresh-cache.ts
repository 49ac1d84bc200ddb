/**
 * What a service lets us keep of an answer, and the keeping: HTTP caching (RFC 9111) reduced to
 * what a JSON client needs. An answer is kept only as long as its service said (`Cache-Control:
 * max-age=N`, less the `Age` it already had), never when it says `no-store` or `no-cache` or says
 * nothing. Used for the trip catalog's trips (docs/contracts/trip-catalog.md): a trip's name,
 * capacity and deposit change seldom, and a booking would otherwise ask for them every time.
 */

/** Seconds an answer stays fresh by its `Cache-Control` and `Age` headers; 0 when it must not be kept. */
export function freshnessSeconds(cacheControl: string | undefined, age?: string | undefined): number {
  if (!cacheControl) return 0;
  let maxAge: number | null = null;
  for (const directive of cacheControl.toLowerCase().split(',')) {
    const [name = '', value] = directive.trim().split('=', 2);
    if (name === 'no-store' || name === 'no-cache') return 0;
    if (name === 'max-age') {
      // A duplicated or malformed max-age makes the answer stale (RFC 9111 §4.2.1).
      const seconds = /^"?(\d{1,9})"?$/.exec(value?.trim() ?? '')?.[1];
      if (seconds === undefined || maxAge !== null) return 0;
      maxAge = Number(seconds);
    }
  }
  const already = age !== undefined && /^\d{1,9}$/.test(age.trim()) ? Number(age.trim()) : 0;
  return Math.max(0, (maxAge ?? 0) - already);
}

/**
 * Values kept until their own expiry, at most `capacity` of them: when full, the entry used
 * longest ago goes (a Map keeps insertion order; a hit moves its entry to the end). Shared by
 * every request of the process.
 */
export class FreshCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  constructor(
    private readonly capacity: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V, seconds: number): void {
    this.entries.delete(key);
    if (seconds <= 0 || this.capacity <= 0) return;
    this.entries.set(key, { value, expiresAt: this.now() + seconds * 1_000 });
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
