import fc from 'fast-check';
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

describe('InMemoryCache against a model LRU', () => {
  it('agrees with a plain list in order of use (expired entries dropped when read)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('get' as const), key: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ kind: fc.constant('set' as const), key: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 8_000 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 }), fc.array(op, { maxLength: 60 }), (max, ops) => {
        const clock = new ManualClock();
        const cache = new InMemoryCache(clock, { ttlSeconds: 60, maxEntries: max });
        let model: Array<{ key: string; text: string; expiresAt: number }> = [];
        ops.forEach((o, i) => {
          if (o.kind === 'wait') return clock.advance(o.ms);
          const key = `k${o.key}`;
          const found = model.find((e) => e.key === key);
          model = model.filter((e) => e !== found);
          if (o.kind === 'get') {
            const live = found && found.expiresAt > clock.now() ? found : undefined;
            expect(cache.peek(key)?.text).toBe(live?.text);
            if (live) model.push(live);
            return;
          }
          cache.put(key, answer(`${i}`));
          if (max > 0) model.push({ key, text: `${i}`, expiresAt: clock.now() + 60_000 });
          model = model.slice(Math.max(0, model.length - max));
        });
        expect(cache.stats().entries).toBe(model.filter((e) => e.expiresAt > clock.now()).length);
      }),
      { numRuns: 300 },
    );
  });
});
