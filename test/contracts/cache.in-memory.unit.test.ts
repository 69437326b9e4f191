import { InMemoryCache, ManualClock } from '../../src/adapters/in-memory';
import { answer, cacheContract } from './cache.contract';

cacheContract('InMemoryCache', async (options, clock) => ({
  cache: new InMemoryCache(clock, options),
}));

describe('InMemoryCache eviction', () => {
  it('evicts the least recently used entry beyond max_entries; a read counts as use', async () => {
    const cache = new InMemoryCache(new ManualClock(), { ttlSeconds: 60, maxEntries: 2 });
    await cache.set('a', answer('a'));
    await cache.set('b', answer('b'));
    await cache.get('a');
    await cache.set('c', answer('c'));
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toEqual(answer('a'));
    expect(await cache.get('c')).toEqual(answer('c'));
  });

  it('stores nothing at max_entries 0', async () => {
    const cache = new InMemoryCache(new ManualClock(), { ttlSeconds: 60, maxEntries: 0 });
    await cache.set('a', answer('a'));
    expect(await cache.get('a')).toBeUndefined();
    expect(cache.stats()).toEqual({ entries: 0, hits: 0, misses: 1 });
  });

  it('keeps a local copy no longer than the TTL it is given', () => {
    const clock = new ManualClock();
    const cache = new InMemoryCache(clock, { ttlSeconds: 60, maxEntries: 10 });
    cache.put('a', answer('a'), 1000);
    cache.put('b', answer('b'), 10 * 60_000);
    clock.advance(1000);
    expect(cache.peek('a')).toBeUndefined();
    clock.advance(59_000);
    expect(cache.peek('b')).toBeUndefined();
  });
});
