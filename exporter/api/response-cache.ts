/**
 * A small cache of serialized GET answers by URL, for routes whose answer may be a few seconds old (a
 * dashboard polling the latest anomalies every second costs one read, not one per viewer). Concurrent
 * requests for the same URL share one computation. Bounded: the least recently used entry goes first.
 */
export class ResponseCache {
  private readonly entries = new Map<string, { at: number; ttlMs: number; body: Promise<CachedBody> }>();

  constructor(private readonly maxEntries = 2_000) {}

  /** The cached answer for `key` if younger than `ttlMs`, else `compute()`'s, remembered. */
  get(key: string, ttlMs: number, now: number, compute: () => Promise<CachedBody>): Promise<CachedBody> {
    const known = this.entries.get(key);
    if (known && now - known.at < known.ttlMs) {
      this.entries.delete(key);
      this.entries.set(key, known);
      return known.body;
    }
    const body = compute();
    this.entries.delete(key);
    this.entries.set(key, { at: now, ttlMs, body });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    // A failure is not cached: the next request computes again.
    body.catch(() => {
      if (this.entries.get(key)?.body === body) this.entries.delete(key);
    });
    return body;
  }

  get size(): number {
    return this.entries.size;
  }
}

export interface CachedBody {
  readonly status: number;
  readonly json: string;
}
