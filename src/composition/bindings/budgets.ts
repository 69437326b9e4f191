import type { Container } from 'inversify';
import { recordedSpend } from '../../application';
import { InMemoryBudgetLedger } from '../../adapters/in-memory/in-memory-budget-ledger';
import { RedisBudgetLedger } from '../../adapters/redis';
import type { BudgetLedger, Clock, RecordedSpend, UsageReadModel } from '../../ports';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { getAsync, TOKENS } from '../tokens';
import { SHARED, type Shared } from './limits';

/**
 * Binds the budget ledger: seeded with what each budget's current period has already cost (from
 * the usage aggregates), in process when `redis.url` is empty, else shared through Redis with an
 * in-process fallback for when Redis is unreachable.
 */
export const bindBudgets = (c: Container): void => {
  c.bind<BudgetLedger>(TOKENS.BudgetLedger)
    .toDynamicValue(async (ctx) => {
      const config = ctx.get<Config>(TOKENS.Config);
      const clock = ctx.get<Clock>(TOKENS.Clock);
      const { budgets } = config;
      // Keys' own budgets change as keys are issued and revoked: read them from the directory.
      // Those of the keys known at start are seeded like the configured ones.
      const directory = await getAsync(ctx, TOKENS.KeyDirectory);
      const keyBudgets = () => directory.keyBudgets();
      const seeded = [...budgets, ...keyBudgets()];
      let recorded: RecordedSpend = new Map();
      if (seeded.length > 0) {
        const usage = await ctx.getAsync<UsageReadModel>(TOKENS.UsageReadModel);
        recorded = await recordedSpend(usage, seeded, clock.now()).catch((e: unknown) => {
          // Start anyway (a sick database must not stop the service), but say what is missing.
          ctx
            .get<Logger>(TOKENS.Logger)
            .warn(
              { err: e },
              'spend recorded earlier in the period could not be read: budgets count from now',
            );
          return new Map();
        });
      }
      const local = new InMemoryBudgetLedger(clock, budgets, recorded, keyBudgets);
      const { link } = await ctx.getAsync<Shared>(SHARED);
      if (!link) return local;
      return new RedisBudgetLedger(link, {
        budgets,
        keyBudgets,
        recorded,
        keyPrefix: config.redis.keyPrefix,
        clock,
        fallback: local,
      });
    })
    .inSingletonScope();
};
