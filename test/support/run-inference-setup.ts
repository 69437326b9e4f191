import {
  InMemoryCache,
  InMemoryEventStore,
  InMemoryGateway,
  InMemoryRateLimiter,
  ManualClock,
} from '../../src/adapters/in-memory';
import { AjvSchemaValidator } from '../../src/adapters/json-schema';
import { PriceBook } from '../../src/application';
import {
  makeRunInference,
  type RunInferenceDeps,
} from '../../src/application/run-inference/run-inference';
import { isOutcome, type InferenceEvent, type ModelMap, type PriceTable } from '../../src/domain';

/** Levels to models for use-case tests. */
export const MODELS: ModelMap = {
  turn: 'm/light',
  task: 'm/light',
  project: 'm/heavy',
  objective: 'm/heavy',
};

/** Configured prices for use-case tests (USD per million tokens). */
export const PRICES: PriceTable = {
  'm/light': { input: 1, output: 5 },
  'm/heavy': { input: 3, output: 15 },
  'm/fallback': { input: 10, output: 50 },
};

/** The runInference use case over in-memory fakes, a manual clock and Ajv; a cache may be shared. */
export const runInferenceOver = (
  over: Partial<RunInferenceDeps['settings']> = {},
  prices: PriceTable = PRICES,
  shared: { clock?: ManualClock; cache?: InMemoryCache } = {},
) => {
  const clock = shared.clock ?? new ManualClock();
  const store = new InMemoryEventStore();
  const gateway = new InMemoryGateway();
  const cache = shared.cache ?? new InMemoryCache(clock, { ttlSeconds: 60, maxEntries: 100 });
  const limiter = new InMemoryRateLimiter(clock, {
    callsPerMinute: 1000,
    tokensPerMinute: 10_000_000,
    maxWaitMs: 0,
    maxQueue: 10,
  });
  const published: InferenceEvent[] = [];
  const priceBook = new PriceBook(prices);
  let n = 0;
  const run = makeRunInference({
    gateway,
    log: store,
    cache,
    limiter,
    clock,
    publisher: { publish: (e) => published.push(e) },
    prices: priceBook,
    schemas: new AjvSchemaValidator(),
    newId: () => `id-${++n}`,
    settings: {
      models: MODELS,
      fallbacks: {},
      allowedModels: [],
      repairAttempts: 1,
      maxInputChars: 1000,
      cacheEnabled: true,
      apiKeyConfigured: true,
      ...over,
    },
  });
  // Outcomes only: intents (InferenceStarted) are tested in spend.unit.test.ts.
  const events = async () => (await store.read(0, 1000)).map((s) => s.event).filter(isOutcome);
  return { run, clock, store, gateway, cache, published, events, priceBook };
};
