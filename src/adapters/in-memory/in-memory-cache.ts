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

  /** Synchronous lookup, for callers layering caches. */
  peek(key: string): CachedAnswer | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.answer;
  }

  get(key: string): Promise<CachedAnswer | undefined> {
    const answer = this.peek(key);
    if (answer) this.hits++;
    else this.misses++;
    return Promise.resolve(answer);
  }

  /** Synchronous store, for callers layering caches. */
  put(key: string, answer: CachedAnswer): void {
    if (this.options.maxEntries <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { answer, expiresAt: this.clock.now() + this.options.ttlSeconds * 1000 });
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

  stats(): CacheStats {
    return { entries: this.entries.size, hits: this.hits, misses: this.misses };
  }
}
