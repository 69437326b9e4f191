import { once } from 'node:events';
import { InMemoryBudgetLedger, ManualClock } from '../../src/adapters/in-memory';
import { createRedisClient, RedisBudgetLedger, RedisLink } from '../../src/adapters/redis';
import type { Budget } from '../../src/domain';
import { TcpProxy } from '../support/tcp-proxy';
import { describeRedis } from '../support/test-redis';

/** Three nano-USD a day: room for three calls of 1. */
const BUDGETS: readonly Budget[] = [{ name: 'tiny', period: 'day', limitUsd: 3e-9 }];
const CHARGE = { level: 'turn', projectId: null, nanos: 1 } as const;

/** An outage sends budgets to each instance alone, with a warning: never to unlimited. */
describeRedis('budgets through a Redis outage', (redis) => {
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanup) await c();
  });

  const through = async (url: string, keyPrefix: string) => {
    const clock = new ManualClock(Date.UTC(2026, 0, 7, 12));
    const link = new RedisLink(createRedisClient(url), clock);
    cleanup.push(() => link.close());
    await link.connect();
    const fallback = new InMemoryBudgetLedger(clock, BUDGETS);
    const ledger = new RedisBudgetLedger(link, { budgets: BUDGETS, keyPrefix, clock, fallback });
    return { link, ledger };
  };

  it('falls back per instance mid-run, keeps what it could not settle, and shares again once back', async () => {
    const target = new URL(redis.url);
    const p = new TcpProxy(target.hostname, Number(target.port || 6379));
    await p.start();
    cleanup.push(() => p.stop());
    const prefix = redis.prefix();
    const a = await through(p.url(), prefix);
    const b = await through(redis.url, prefix);
    const first = (await a.ledger.reserve(CHARGE))._unsafeUnwrap();

    const closed = once(a.link.client, 'close');
    await p.stop();
    await closed;
    // Redis away: a decides alone, within its own tally, and says so.
    const local = await Promise.all([1, 2, 3, 4].map(() => a.ledger.reserve(CHARGE)));
    expect(local.map((r) => r.isOk())).toEqual([true, true, true, false]);
    expect(a.link.status().warning).toMatch(/budgets .* hold per instance/);
    // A settle that cannot reach Redis leaves the reservation held there.
    await first.settle(0);

    const ready = once(a.link.client, 'ready');
    await p.start();
    await ready;
    // Redis holds a's first reservation: two more fit, from either instance, then none.
    expect((await b.ledger.reserve(CHARGE)).isOk()).toBe(true);
    expect((await a.ledger.reserve(CHARGE)).isOk()).toBe(true);
    expect((await a.ledger.reserve(CHARGE))._unsafeUnwrapErr().budget).toBe('tiny');
    await b.ledger.flush();
    expect(b.ledger.snapshot()[0]).toMatchObject({ spentNanos: 0, reservedNanos: 3 });
  }, 20_000);
});
