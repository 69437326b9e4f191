import type { Cache, CachedAnswer, Clock } from '../../src/ports';
import { ManualClock } from '../../src/adapters/in-memory';

/** A cache under test. */
export interface CacheDriver {
  readonly cache: Cache;
}

/** Builds a cache with its own, empty entries over `clock`. */
export type MakeCache = (
  options: { ttlSeconds: number; maxEntries: number },
  clock: Clock,
) => Promise<CacheDriver>;

/** An answer as run-inference stores it. */
export const answer = (text: string, costNanos = 1500): CachedAnswer => ({
  text,
  model: 'anthropic/claude-haiku-4.5',
  inputTokens: 12,
  outputTokens: 34,
  reasoningTokens: 5,
  cachedInputTokens: 3,
  toolCalls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
  finishReason: 'tool_calls',
  costNanos,
  sourceCallId: `call-${text}`,
});

/** The Cache port's contract: answers by key until their TTL, counted hits and misses. */
export const cacheContract = (name: string, make: MakeCache): void => {
  describe(`Cache contract: ${name}`, () => {
    const setup = async (ttlSeconds = 60, maxEntries = 100) => {
      const clock = new ManualClock();
      const { cache } = await make({ ttlSeconds, maxEntries }, clock);
      return { clock, cache };
    };

    it('misses, then serves what was stored, counting hits and misses', async () => {
      const { cache } = await setup();
      expect(await cache.get('k1')).toBeUndefined();
      await cache.set('k1', answer('one'));
      expect(await cache.get('k1')).toEqual(answer('one'));
      expect(await cache.get('k1')).toEqual(answer('one'));
      expect(cache.stats()).toEqual({ entries: 1, hits: 2, misses: 1 });
    });

    it('keeps entries apart by key, and a later set replaces an entry', async () => {
      const { cache } = await setup();
      await cache.set('a', answer('A'));
      await cache.set('b', answer('B', 0));
      await cache.set('a', answer('A2'));
      expect(await cache.get('a')).toEqual(answer('A2'));
      expect(await cache.get('b')).toEqual(answer('B', 0));
      expect(await cache.get('c')).toBeUndefined();
    });

    it('serves an entry until its TTL has passed, then misses', async () => {
      const { cache, clock } = await setup(60);
      await cache.set('k', answer('x'));
      clock.advance(59_999);
      expect(await cache.get('k')).toEqual(answer('x'));
      clock.advance(1);
      expect(await cache.get('k')).toBeUndefined();
      expect(cache.stats().entries).toBe(0);
    });

    it('never reports more entries than max_entries', async () => {
      const { cache } = await setup(60, 3);
      for (let i = 0; i < 10; i++) await cache.set(`k${i}`, answer(String(i)));
      expect(cache.stats().entries).toBeLessThanOrEqual(3);
      expect(await cache.get('k9')).toEqual(answer('9'));
    });
  });
};
