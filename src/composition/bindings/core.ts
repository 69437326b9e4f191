import { randomUUID } from 'node:crypto';
import type { Container } from 'inversify';
import {
  BudgetGate,
  HealthMonitor,
  makeGetStatus,
  makeGetUsage,
  makeGetUsageSeries,
  makeListCalls,
  makeRunInference,
  PriceBook,
} from '../../application';
import { EventEmitterPublisher } from '../../adapters/events/event-emitter-publisher';
import { AjvSchemaValidator } from '../../adapters/json-schema';
import { SystemClock } from '../../adapters/system/system-clock';
import type {
  BudgetLedger,
  Cache,
  CallLog,
  CallRecords,
  Clock,
  LlmGateway,
  RateLimiter,
  SharedStore,
  UsageReadModel,
} from '../../ports';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { ServiceOptions } from '../options';
import { TOKENS } from '../tokens';

/** Binds the clock, ids, publisher, prices, health monitor and the use cases. */
export const bindCore = (c: Container): void => {
  c.bind<Clock>(TOKENS.Clock)
    .toDynamicValue((ctx) => ctx.get<ServiceOptions>(TOKENS.Options).clock ?? new SystemClock())
    .inSingletonScope();
  c.bind<() => string>(TOKENS.NewId).toConstantValue(randomUUID);
  c.bind<EventEmitterPublisher>(TOKENS.Publisher)
    .toDynamicValue((ctx) => {
      const log = ctx.get<Logger>(TOKENS.Logger);
      return new EventEmitterPublisher((e) => log.error({ err: e }, 'event subscriber threw'));
    })
    .inSingletonScope();
  c.bind<PriceBook>(TOKENS.PriceBook)
    .toDynamicValue((ctx) => new PriceBook(ctx.get<Config>(TOKENS.Config).openrouter.pricing))
    .inSingletonScope();
  c.bind<HealthMonitor>(TOKENS.HealthMonitor)
    .toDynamicValue(
      async (ctx) =>
        new HealthMonitor(
          await ctx.getAsync<LlmGateway>(TOKENS.LlmGateway),
          ctx.get<Clock>(TOKENS.Clock),
        ),
    )
    .inSingletonScope();

  c.bind(TOKENS.RunInference)
    .toDynamicValue(async (ctx) => {
      const config = ctx.get<Config>(TOKENS.Config);
      const or = config.openrouter;
      return makeRunInference({
        gateway: await ctx.getAsync<LlmGateway>(TOKENS.LlmGateway),
        log: await ctx.getAsync<CallLog>(TOKENS.CallLog),
        cache: await ctx.getAsync<Cache>(TOKENS.Cache),
        limiter: await ctx.getAsync<RateLimiter>(TOKENS.RateLimiter),
        clock: ctx.get<Clock>(TOKENS.Clock),
        publisher: ctx.get<EventEmitterPublisher>(TOKENS.Publisher),
        prices: ctx.get<PriceBook>(TOKENS.PriceBook),
        schemas: new AjvSchemaValidator(),
        newId: ctx.get<() => string>(TOKENS.NewId),
        ...(config.budgets.length > 0
          ? {
              budgets: new BudgetGate(
                await ctx.getAsync<BudgetLedger>(TOKENS.BudgetLedger),
                ctx.get<PriceBook>(TOKENS.PriceBook),
                or.structuredOutput.repairAttempts,
              ),
            }
          : {}),
        settings: {
          models: or.models,
          fallbacks: or.fallbacks,
          allowedModels: or.allowedModels,
          repairAttempts: or.structuredOutput.repairAttempts,
          maxInputChars: or.maxInputChars,
          cacheEnabled: or.cache.enabled,
          apiKeyConfigured: or.apiKey !== '',
        },
      });
    })
    .inSingletonScope();

  c.bind(TOKENS.GetStatus)
    .toDynamicValue(async (ctx) => {
      const or = ctx.get<Config>(TOKENS.Config).openrouter;
      return makeGetStatus({
        settings: {
          baseUrl: or.baseUrl,
          apiKeyConfigured: or.apiKey !== '',
          models: or.models,
          fallbacks: or.fallbacks,
          rateLimits: {
            callsPerMinute: or.rateLimits.callsPerMinute,
            tokensPerMinute: or.rateLimits.tokensPerMinute,
            maxWaitMs: or.rateLimits.maxWaitMs,
          },
          cache: or.cache,
          retry: or.retry,
        },
        health: await ctx.getAsync<HealthMonitor>(TOKENS.HealthMonitor),
        gateway: await ctx.getAsync<LlmGateway>(TOKENS.LlmGateway),
        limiter: await ctx.getAsync<RateLimiter>(TOKENS.RateLimiter),
        cache: await ctx.getAsync<Cache>(TOKENS.Cache),
        log: await ctx.getAsync<CallLog>(TOKENS.CallLog),
        prices: ctx.get<PriceBook>(TOKENS.PriceBook),
        sharedStore: await ctx.getAsync<SharedStore>(TOKENS.SharedStore),
        budgets: await ctx.getAsync<BudgetLedger>(TOKENS.BudgetLedger),
      });
    })
    .inSingletonScope();

  c.bind(TOKENS.GetUsage)
    .toDynamicValue(async (ctx) =>
      makeGetUsage(
        await ctx.getAsync<UsageReadModel>(TOKENS.UsageReadModel),
        await ctx.getAsync<BudgetLedger>(TOKENS.BudgetLedger),
      ),
    )
    .inSingletonScope();
  c.bind(TOKENS.GetUsageSeries)
    .toDynamicValue(async (ctx) =>
      makeGetUsageSeries(
        await ctx.getAsync<UsageReadModel>(TOKENS.UsageReadModel),
        ctx.get<Clock>(TOKENS.Clock),
      ),
    )
    .inSingletonScope();
  c.bind(TOKENS.ListCalls)
    .toDynamicValue(async (ctx) =>
      makeListCalls(await ctx.getAsync<CallRecords>(TOKENS.CallRecords)),
    )
    .inSingletonScope();
};
