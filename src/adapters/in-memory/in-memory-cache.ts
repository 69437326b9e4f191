import type { Cache, CachedAnswer, CacheStats, Clock } from '../../ports';

interface Entry {
  readonly answer: CachedAnswer;
  readonly expiresAt: number;
}

/**
 * An LRU cache with a TTL: a Map's insertion order is its recency order, so get and set are
 * O(1) and eviction drops the first key.
 */
export class InMemoryCache implements Cache {
  private readonly entries = new Map<string, Entry>();
  private hits = 0;
  private misses = 0;

  constructor(
    private readonly clock: Clock,
    private readonly options: { ttlSeconds: number; maxEntries: number },
  ) {}

  /** Synchronous lookup that counts nothing, for callers layering caches. */
  peek(key: string): CachedAnswer | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.clock.now()) return undefined;
    this.entries.set(key, entry);
    return entry.answer;
  }

  get(key: string): Promise<CachedAnswer | undefined> {
    const answer = this.peek(key);
    if (answer) this.hits++;
    else this.misses++;
    return Promise.resolve(answer);
  }

  /**
   * Synchronous store, for callers layering caches. `ttlMs` shortens the configured TTL, so a
   * copy of a shared entry never outlives the original.
   */
  put(key: string, answer: CachedAnswer, ttlMs = this.options.ttlSeconds * 1000): void {
    this.entries.delete(key);
    const ttl = Math.min(ttlMs, this.options.ttlSeconds * 1000);
    if (this.options.maxEntries <= 0 || !(ttl > 0)) return;
    this.entries.set(key, { answer, expiresAt: this.clock.now() + ttl });
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  set(key: string, answer: CachedAnswer): Promise<void> {
    this.put(key, answer);
    return Promise.resolve();
  }

  /** Counts live entries only: expired ones are dropped here rather than reported. */
  stats(): CacheStats {
    const now = this.clock.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) this.entries.delete(key);
    }
    return { entries: this.entries.size, hits: this.hits, misses: this.misses };
  }
}
