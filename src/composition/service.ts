import type { ResultAsync } from 'neverthrow';
import { streamInference, type InferenceStream } from '../application';
import type {
  HealthMonitor,
  ListCallsParams,
  PriceBook,
  RunInference,
  StatusReport,
  UsageParams,
  UsageSeriesParams,
} from '../application';
import type {
  EventEmitterPublisher,
  InferenceEvents,
} from '../adapters/events/event-emitter-publisher';
import type { Readiness } from '../adapters/http/context';
import type { InferenceError, InferenceResult, UsageReport, UsageSeries } from '../domain';
import type { CallsPage, Clock, HealthReport, LlmGateway } from '../ports';
import { loadConfig, type Config } from './config';
import { buildContainer } from './container';
import type { Lifecycle } from './lifecycle';
import { createLogger } from './logger';
import type { ServiceOptions } from './options';
import { TOKENS } from './tokens';

/** The in-process API other modules use (CONTRACT §5). */
export interface InferenceService {
  /** One inference; `err.code` as in CONTRACT §1. */
  infer(request: unknown): ResultAsync<InferenceResult, InferenceError>;
  /**
   * The same call streamed: iterate it for `start` and `delta` chunks; `result` is the final
   * Result once the call is recorded; `cancel()` (or leaving `for await` early) aborts it.
   */
  stream(request: unknown): InferenceStream;
  /** The status document; never waits on the network. */
  status(): Promise<StatusReport>;
  /** Usage from the aggregates. */
  usage(params?: UsageParams): ResultAsync<UsageReport, InferenceError>;
  /** Usage over time, per bucket of a grain, from the per-grain aggregates. */
  usageSeries(params?: UsageSeriesParams): ResultAsync<UsageSeries, InferenceError>;
  /** Call records, newest first. */
  calls(params?: ListCallsParams): ResultAsync<CallsPage, InferenceError>;
  /** Probes OpenRouter now and updates status. */
  checkHealth(): Promise<HealthReport>;
  /** Whether the store answers and its migrations are applied (`GET /readyz`). */
  ready(): Promise<Readiness>;
  /** Typed domain events, published after they are recorded. */
  readonly events: InferenceEvents;
  /** The validated configuration. Holds the API key: never log or serialise it whole. */
  readonly config: Config;
  /** Stops background work and flushes the call log. */
  close(): Promise<void>;
}

/** Builds the service: loads config, wires adapters, starts background health checks. */
export const createInferenceService = async (
  options: ServiceOptions = {},
): Promise<InferenceService> => {
  const loaded = loadConfig({ path: options.configPath, values: options.config, env: options.env });
  if (loaded.isErr()) throw new Error(loaded.error.message);
  const config = loaded.value;
  const logger = options.logger ?? createLogger('silent');
  const c = buildContainer(config, options, logger);
  const lifecycle = c.get<Lifecycle>(TOKENS.Lifecycle);
  try {
    const run = await c.getAsync<RunInference>(TOKENS.RunInference);
    const getStatus = await c.getAsync<() => ResultAsync<StatusReport, InferenceError>>(
      TOKENS.GetStatus,
    );
    const getUsage = await c.getAsync<(p: UsageParams) => ResultAsync<UsageReport, InferenceError>>(
      TOKENS.GetUsage,
    );
    const getUsageSeries = await c.getAsync<
      (p: UsageSeriesParams) => ResultAsync<UsageSeries, InferenceError>
    >(TOKENS.GetUsageSeries);
    const listCalls = await c.getAsync<
      (p: ListCallsParams) => ResultAsync<CallsPage, InferenceError>
    >(TOKENS.ListCalls);
    const health = await c.getAsync<HealthMonitor>(TOKENS.HealthMonitor);
    const gateway = await c.getAsync<LlmGateway>(TOKENS.LlmGateway);
    const prices = c.get<PriceBook>(TOKENS.PriceBook);
    const publisher = c.get<EventEmitterPublisher>(TOKENS.Publisher);
    const isReady = await c.getAsync<() => Promise<boolean>>(TOKENS.Readiness);
    if (options.background !== false) {
      startBackground(c.get<Clock>(TOKENS.Clock), config, lifecycle, health, gateway, prices);
    }
    return {
      infer: (request) => run(request),
      stream: (request) => streamInference(run, request),
      status: async () => (await getStatus())._unsafeUnwrap(),
      usage: (params = {}) => getUsage(params),
      usageSeries: (params = {}) => getUsageSeries(params),
      calls: (params = {}) => listCalls(params),
      checkHealth: () => health.check(),
      ready: () => readiness(isReady),
      events: publisher.emitter,
      config,
      close: () => lifecycle.close((name, e) => logger.error({ err: e }, `closing ${name} failed`)),
    };
  } catch (e) {
    await lifecycle.close();
    throw e;
  }
};

/** Readiness in words: the check answers a boolean and never rejects by contract; be sure. */
const readiness = (isReady: () => Promise<boolean>): Promise<Readiness> =>
  isReady().then(
    (ready) => ({
      ready,
      detail: ready ? null : 'database: does not answer, or migrations are pending',
    }),
    // A driver message may quote SQL or connection details: answer a sentence instead.
    () => ({ ready: false, detail: 'database: the readiness check failed' }),
  );

/** Health checks and price refreshes: one now, then every interval; never blocking start-up. */
const startBackground = (
  clock: Clock,
  config: Config,
  lifecycle: Lifecycle,
  health: HealthMonitor,
  gateway: LlmGateway,
  prices: PriceBook,
): void => {
  const interval = config.openrouter.healthCheckIntervalMs;
  let cancel: (() => void) | undefined;
  let stopped = false;
  const tick = (): void => {
    void health.check();
    void gateway
      .prices()
      .then((p) => {
        if (Object.keys(p).length > 0) prices.setFetched(p);
      })
      .catch(() => undefined);
    if (interval > 0 && !stopped) cancel = clock.schedule(interval, tick);
  };
  tick();
  lifecycle.onClose('background checks', () => {
    stopped = true;
    cancel?.();
  });
};
