/**
 * The project's one cache: values by key, each kept for the time-to-live its caller gives. Concurrent
 * requests for the same key share one computation (its promise is what is kept); a failed computation is
 * not kept, so the next request tries again. Bounded: the least recently used entry goes first.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { at: number; ttlMs: number; value: Promise<V> }>();

  constructor(private readonly maxEntries = 2_000) {}

  /** The cached value of `key` if younger than `ttlMs`, else `compute()`'s, remembered. */
  get(key: K, ttlMs: number, now: number, compute: () => Promise<V>): Promise<V> {
    const known = this.entries.get(key);
    if (known && now - known.at < known.ttlMs) {
      this.entries.delete(key);
      this.entries.set(key, known);
      return known.value;
    }
    const value = compute();
    this.entries.delete(key);
    this.entries.set(key, { at: now, ttlMs, value });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** One value, loaded at most once per `ttlMs` (calls in between share the load). */
export function cachedFor<T>(
  ttlMs: number,
  load: () => Promise<T>,
  now = () => Date.now(),
): () => Promise<T> {
  const cache = new TtlCache<true, T>(1);
  return () => cache.get(true, ttlMs, now(), load);
}
