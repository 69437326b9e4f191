import type { Cache, CachedAnswer, CacheStats } from '../../ports';
import type { InMemoryCache } from '../in-memory/in-memory-cache';
import { LuaScript } from './lua-script';
import type { RedisLink } from './redis-link';

/** The entry and its remaining TTL in one round trip, so a local copy expires with it. */
const GET_WITH_TTL = new LuaScript(`
local v = redis.call('GET', KEYS[1])
if not v then return false end
return { v, redis.call('PTTL', KEYS[1]) }
`);

/** How a RedisCache is set up. */
export interface RedisCacheOptions {
  /** Prefix of every key: instances that share entries share it. */
  readonly keyPrefix: string;
  readonly ttlSeconds: number;
}

/**
 * A two-level cache: this instance's LRU first, then entries shared by every instance in Redis
 * (with the same TTL; Redis's own memory policy bounds their number). While Redis is
 * unreachable the LRU alone serves.
 */
export class RedisCache implements Cache {
  private hits = 0;
  private misses = 0;

  constructor(
    private readonly link: RedisLink,
    private readonly local: InMemoryCache,
    private readonly o: RedisCacheOptions,
  ) {}

  async get(key: string): Promise<CachedAnswer | undefined> {
    const near = this.local.peek(key);
    const answer = near ?? (await this.fetch(key));
    if (answer) this.hits++;
    else this.misses++;
    return answer;
  }

  set(key: string, answer: CachedAnswer): Promise<void> {
    this.local.put(key, answer);
    if (!this.link.usable()) return Promise.resolve();
    return this.link.client
      .set(this.keyOf(key), JSON.stringify(answer), 'PX', this.o.ttlSeconds * 1000)
      .then(
        () => this.link.succeeded(),
        (e: unknown) => this.link.failed(e),
      );
  }

  stats(): CacheStats {
    return { entries: this.local.stats().entries, hits: this.hits, misses: this.misses };
  }

  private async fetch(key: string): Promise<CachedAnswer | undefined> {
    if (!this.link.usable()) return undefined;
    let reply: unknown;
    try {
      reply = await GET_WITH_TTL.run(this.link.client, [this.keyOf(key)], []);
      this.link.succeeded();
    } catch (e) {
      this.link.failed(e);
      return undefined;
    }
    if (!Array.isArray(reply)) return undefined;
    const [text, ttlMs] = reply as unknown[];
    const answer = typeof text === 'string' ? decode(text) : undefined;
    if (answer && typeof ttlMs === 'number') this.local.put(key, answer, ttlMs);
    return answer;
  }

  private keyOf(key: string): string {
    return `${this.o.keyPrefix}cache:v1:${key}`;
  }
}

/** A stored entry, or undefined for anything malformed: a bad entry is a miss, never an answer. */
const decode = (text: string): CachedAnswer | undefined => {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const a = v as Record<string, unknown>;
  const count = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0;
  if (
    typeof a.text !== 'string' ||
    typeof a.model !== 'string' ||
    typeof a.sourceCallId !== 'string' ||
    !count(a.inputTokens) ||
    !count(a.outputTokens) ||
    !count(a.costNanos)
  ) {
    return undefined;
  }
  return {
    text: a.text,
    model: a.model,
    inputTokens: a.inputTokens,
    outputTokens: a.outputTokens,
    costNanos: a.costNanos,
    sourceCallId: a.sourceCallId,
  };
};
