import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { Container } from 'inversify';
import {
  BudgetGate,
  HealthMonitor,
  InFlightCalls,
  makeGetStatus,
  makeGetUsage,
  makeGetUsageSeries,
  makeListCalls,
  makeRunInference,
  PriceBook,
} from '../../application';
import { EventEmitterPublisher } from '../../adapters/events/event-emitter-publisher';
import { WorkerSchemaValidator } from '../../adapters/json-schema';
import { SystemClock } from '../../adapters/system/system-clock';
import type { StorageStats } from '../../ports';
import type { Config } from '../config';
import type { Lifecycle } from '../lifecycle';
import { bind, get, getAsync, TOKENS } from '../tokens';

/** JSON Schemas compiled and checked in worker threads (two at most), closed with the service. */
const schemaValidator = (config: Config, lifecycle: Lifecycle): WorkerSchemaValidator => {
  const validator = new WorkerSchemaValidator({
    deadlineMs: config.openrouter.structuredOutput.validateTimeoutMs,
    workers: Math.min(2, availableParallelism()),
  });
  lifecycle.onClose('schema workers', () => validator.close());
  return validator;
};

/** Binds the clock, ids, publisher, prices, health monitor and the use cases. */
export const bindCore = (c: Container): void => {
  bind(c, TOKENS.Clock)
    .toDynamicValue((ctx) => get(ctx, TOKENS.Options).clock ?? new SystemClock())
    .inSingletonScope();
  bind(c, TOKENS.NewId).toConstantValue(randomUUID);
  bind(c, TOKENS.InstanceId).toConstantValue(randomUUID());
  bind(c, TOKENS.InFlight).toConstantValue(new InFlightCalls());
  bind(c, TOKENS.Publisher)
    .toDynamicValue((ctx) => {
      const log = get(ctx, TOKENS.Logger);
      return new EventEmitterPublisher((e) => log.error({ err: e }, 'event subscriber threw'));
    })
    .inSingletonScope();
  bind(c, TOKENS.PriceBook)
    .toDynamicValue((ctx) => new PriceBook(get(ctx, TOKENS.Config).openrouter.pricing))
    .inSingletonScope();
  bind(c, TOKENS.HealthMonitor)
    .toDynamicValue(
      async (ctx) =>
        new HealthMonitor(await getAsync(ctx, TOKENS.LlmGateway), get(ctx, TOKENS.Clock)),
    )
    .inSingletonScope();

  bind(c, TOKENS.RunInference)
    .toDynamicValue(async (ctx) => {
      const config = get(ctx, TOKENS.Config);
      const or = config.openrouter;
      return makeRunInference({
        gateway: await getAsync(ctx, TOKENS.LlmGateway),
        log: await getAsync(ctx, TOKENS.CallLog),
        cache: await getAsync(ctx, TOKENS.Cache),
        limiter: await getAsync(ctx, TOKENS.RateLimiter),
        clock: get(ctx, TOKENS.Clock),
        publisher: get(ctx, TOKENS.Publisher),
        prices: get(ctx, TOKENS.PriceBook),
        schemas: schemaValidator(config, get(ctx, TOKENS.Lifecycle)),
        newId: get(ctx, TOKENS.NewId),
        instanceId: get(ctx, TOKENS.InstanceId),
        inFlight: get(ctx, TOKENS.InFlight),
        // Always there: a key's own budgets count even when none is configured.
        budgets: new BudgetGate(
          await getAsync(ctx, TOKENS.BudgetLedger),
          get(ctx, TOKENS.PriceBook),
          or.structuredOutput.repairAttempts,
          config.budgets.length > 0,
        ),
        keyLimiters: await getAsync(ctx, TOKENS.KeyLimiters),
        settings: {
          models: or.models,
          fallbacks: or.fallbacks,
          allowedModels: or.allowedModels,
          repairAttempts: or.structuredOutput.repairAttempts,
          maxInputChars: or.maxInputChars,
          tokensPerMinute: or.rateLimits.tokensPerMinute,
          cacheEnabled: or.cache.enabled,
          apiKeyConfigured: or.apiKey !== '',
          identifyUpstreamAfterMs: or.reconcile.identifyAfterMs,
        },
      });
    })
    .inSingletonScope();

  bind(c, TOKENS.GetStatus)
    .toDynamicValue(async (ctx) => {
      const or = get(ctx, TOKENS.Config).openrouter;
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
        health: await getAsync(ctx, TOKENS.HealthMonitor),
        gateway: await getAsync(ctx, TOKENS.LlmGateway),
        limiter: await getAsync(ctx, TOKENS.RateLimiter),
        cache: await getAsync(ctx, TOKENS.Cache),
        log: await getAsync(ctx, TOKENS.CallLog),
        prices: get(ctx, TOKENS.PriceBook),
        sharedStore: await getAsync(ctx, TOKENS.SharedStore),
        budgets: await getAsync(ctx, TOKENS.BudgetLedger),
        projections: await getAsync(ctx, TOKENS.ProjectionLag),
        ...storageOf(await getAsync(ctx, TOKENS.StorageStats)),
      });
    })
    .inSingletonScope();

  bind(c, TOKENS.GetUsage)
    .toDynamicValue(async (ctx) =>
      makeGetUsage(
        await getAsync(ctx, TOKENS.UsageReadModel),
        await getAsync(ctx, TOKENS.BudgetLedger),
      ),
    )
    .inSingletonScope();
  bind(c, TOKENS.GetUsageSeries)
    .toDynamicValue(async (ctx) =>
      makeGetUsageSeries(await getAsync(ctx, TOKENS.UsageReadModel), get(ctx, TOKENS.Clock)),
    )
    .inSingletonScope();
  bind(c, TOKENS.ListCalls)
    .toDynamicValue(async (ctx) => makeListCalls(await getAsync(ctx, TOKENS.CallRecords)))
    .inSingletonScope();
};

/** The storage figures as a status dependency, when anything is stored on disk. */
const storageOf = (s: StorageStats | null): { storage?: StorageStats } => (s ? { storage: s } : {});
