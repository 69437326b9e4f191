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

/** What a use-case test may swap in; every field left out keeps the default below. */
export interface RunInferenceSetupOptions {
  /** A clock shared with the caller. */
  readonly clock?: ManualClock;
  /** A cache shared between subjects. */
  readonly cache?: InMemoryCache;
  /** The store the subject logs to and `events`/`log` read (default: a fresh one). */
  readonly store?: InMemoryEventStore;
  /** A call log used in place of `store` by the use case (`events`/`log` still read `store`). */
  readonly callLog?: RunInferenceDeps['log'];
  /** Rate-limiter settings (default: 1000 calls, 10,000,000 tokens a minute, no waiting). */
  readonly limits?: Partial<{ callsPerMinute: number; tokensPerMinute: number; maxWaitMs: number }>;
  /** Id generator (default: `id-1`, `id-2`, …). */
  readonly newId?: () => string;
  readonly instanceId?: RunInferenceDeps['instanceId'];
  readonly inFlight?: RunInferenceDeps['inFlight'];
}

/** The runInference use case over in-memory fakes, a manual clock and Ajv; a cache may be shared. */
export const runInferenceOver = (
  over: Partial<RunInferenceDeps['settings']> = {},
  prices: PriceTable = PRICES,
  options: RunInferenceSetupOptions = {},
) => {
  const clock = options.clock ?? new ManualClock();
  const store = options.store ?? new InMemoryEventStore();
  const gateway = new InMemoryGateway();
  const cache = options.cache ?? new InMemoryCache(clock, { ttlSeconds: 60, maxEntries: 100 });
  const limiter = new InMemoryRateLimiter(clock, {
    callsPerMinute: options.limits?.callsPerMinute ?? 1000,
    tokensPerMinute: options.limits?.tokensPerMinute ?? 10_000_000,
    maxWaitMs: options.limits?.maxWaitMs ?? 0,
    maxQueue: 10,
  });
  const published: InferenceEvent[] = [];
  const priceBook = new PriceBook(prices);
  let n = 0;
  const run = makeRunInference({
    gateway,
    log: options.callLog ?? store,
    cache,
    limiter,
    clock,
    publisher: { publish: (e) => published.push(e) },
    prices: priceBook,
    schemas: new AjvSchemaValidator(),
    newId: options.newId ?? (() => `id-${++n}`),
    instanceId: options.instanceId,
    inFlight: options.inFlight,
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
  /** Every event in the store, intents included. */
  const log = async () => (await store.read(0, 1000)).map((s) => s.event);
  // Outcomes only: intents (InferenceStarted) are tested in spend.unit.test.ts.
  const events = async () => (await log()).filter(isOutcome);
  return { run, clock, store, gateway, cache, limiter, published, events, log, priceBook };
};
