import type { Cache, CachedAnswer, CacheStats, Clock } from '../../ports';

interface Entry {
  readonly key: string;
  answer: CachedAnswer;
  expiresAt: number;
  /** Toward the most recently used entry. */
  newer: Entry | undefined;
  older: Entry | undefined;
}

/**
 * An LRU cache with a TTL: a Map finds entries, a doubly linked list orders them by use, so
 * get, set and eviction are O(1). An expired entry is dropped when read or counted, and until
 * then holds its place in the order like any other. (Evicting through a Map's first key instead degrades: V8
 * walks the deleted slots at the front of its table on every eviction.)
 */
export class InMemoryCache implements Cache {
  private readonly entries = new Map<string, Entry>();
  private newest: Entry | undefined;
  private oldest: Entry | undefined;
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
    if (entry.expiresAt <= this.clock.now()) {
      this.remove(entry);
      return undefined;
    }
    this.unlink(entry);
    this.link(entry);
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
    const old = this.entries.get(key);
    if (old) this.remove(old);
    const ttl = Math.min(ttlMs, this.options.ttlSeconds * 1000);
    if (this.options.maxEntries <= 0 || !(ttl > 0)) return;
    const entry: Entry = {
      key,
      answer,
      expiresAt: this.clock.now() + ttl,
      newer: undefined,
      older: undefined,
    };
    this.entries.set(key, entry);
    this.link(entry);
    while (this.entries.size > this.options.maxEntries && this.oldest) this.remove(this.oldest);
  }

  set(key: string, answer: CachedAnswer): Promise<void> {
    this.put(key, answer);
    return Promise.resolve();
  }

  /** Counts live entries only: expired ones are dropped here rather than reported. */
  stats(): CacheStats {
    const now = this.clock.now();
    for (const entry of this.entries.values()) if (entry.expiresAt <= now) this.remove(entry);
    return { entries: this.entries.size, hits: this.hits, misses: this.misses };
  }

  private remove(entry: Entry): void {
    this.entries.delete(entry.key);
    this.unlink(entry);
  }

  /** Makes `entry` the most recently used. */
  private link(entry: Entry): void {
    entry.older = this.newest;
    entry.newer = undefined;
    if (this.newest) this.newest.newer = entry;
    this.newest = entry;
    this.oldest ??= entry;
  }

  private unlink(entry: Entry): void {
    if (entry.newer) entry.newer.older = entry.older;
    else this.newest = entry.older;
    if (entry.older) entry.older.newer = entry.newer;
    else this.oldest = entry.newer;
    entry.newer = entry.older = undefined;
  }
}
