import type { Cache, CachedAnswer, CacheStats, Clock } from '../../ports';
import type { InMemoryCache } from '../in-memory/in-memory-cache';
import { LuaScript } from './lua-script';
import type { RedisLink } from './redis-link';

/*
 * An entry is a hash { v: JSON answer, exp: ms it expires } with a PEXPIRE as well: `exp` is
 * read against the same clock that wrote it (Redis TIME, or a test's clock given in ARGV), and
 * a read returns the time left so a local copy expires with the original.
 */
const NOW = `if redis.replicate_commands then redis.replicate_commands() end
local now = tonumber(ARGV[1])
if not now then local t = redis.call('TIME'); now = t[1] * 1000 + math.floor(t[2] / 1000) end`;

/** ARGV: now ('' = TIME), ttl ms, JSON answer. */
const PUT = new LuaScript(`${NOW}
local ttl = tonumber(ARGV[2])
redis.call('HSET', KEYS[1], 'v', ARGV[3], 'exp', now + ttl)
redis.call('PEXPIRE', KEYS[1], ttl)
return 1
`);

/** ARGV: now ('' = TIME). Returns { JSON answer, ms left } or nil. */
const GET = new LuaScript(`${NOW}
local e = redis.call('HMGET', KEYS[1], 'v', 'exp')
local exp = tonumber(e[2])
if not e[1] or not exp or exp <= now then return false end
return { e[1], exp - now }
`);

/** How a RedisCache is set up. */
export interface RedisCacheOptions {
  /** Prefix of every key: instances that share entries share it. */
  readonly keyPrefix: string;
  readonly ttlSeconds: number;
  /** Tells the time with `time: 'clock'` (tests). */
  readonly clock?: Clock;
  /** 'server' (default): Redis TIME, so instances agree whatever their clocks. 'clock': tests. */
  readonly time?: 'server' | 'clock';
}

/**
 * A two-level cache: this instance's LRU first, then entries shared by every instance in Redis
 * (with the same TTL, bounded in number by Redis's own memory policy). While Redis is
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
    const args = [this.now(), this.o.ttlSeconds * 1000, JSON.stringify(answer)];
    return PUT.run(this.link.client, [this.keyOf(key)], args).then(
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
      reply = await GET.run(this.link.client, [this.keyOf(key)], [this.now()]);
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

  private now(): string {
    return this.o.time === 'clock' && this.o.clock ? String(this.o.clock.now()) : '';
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
    // Entries written before these existed read as none.
    reasoningTokens: count(a.reasoningTokens) ? a.reasoningTokens : 0,
    cachedInputTokens: count(a.cachedInputTokens) ? a.cachedInputTokens : 0,
    toolCalls: Array.isArray(a.toolCalls) ? (a.toolCalls as CachedAnswer['toolCalls']) : null,
    finishReason: typeof a.finishReason === 'string' ? a.finishReason : null,
    costNanos: a.costNanos,
    sourceCallId: a.sourceCallId,
  };
};
