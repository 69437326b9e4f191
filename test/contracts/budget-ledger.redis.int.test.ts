import { InMemoryBudgetLedger } from '../../src/adapters/in-memory';
import { createRedisClient, RedisBudgetLedger, RedisLink } from '../../src/adapters/redis';
import { describeRedis } from '../support/test-redis';
import { budgetLedgerContract } from './budget-ledger.contract';

describeRedis('RedisBudgetLedger (test clock in the script)', (redis) => {
  const links: RedisLink[] = [];
  afterAll(() => Promise.all(links.map((l) => l.close())));

  // The script takes the test's clock instead of Redis TIME, so periods can be stepped through;
  // its calendar arithmetic is checked against the in-process one on every period end.
  budgetLedgerContract(
    'RedisBudgetLedger',
    async (budgets, clock, recorded) => {
      const link = new RedisLink(createRedisClient(redis.url), clock);
      links.push(link);
      await link.connect();
      const ledger = new RedisBudgetLedger(link, {
        budgets,
        ...(recorded ? { recorded } : {}),
        keyPrefix: redis.prefix(),
        clock,
        fallback: new InMemoryBudgetLedger(clock, budgets, recorded),
        time: 'clock',
      });
      return { ledger, sync: () => ledger.flush() };
    },
    60,
  );
});
