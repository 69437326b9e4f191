import type { ResultAsync } from 'neverthrow';
import { streamInference, USAGE_READ_WAIT_MS, type InferenceStream } from '../application';
import type {
  HealthMonitor,
  KeyAdmin,
  KeyCheck,
  ListCallsParams,
  PriceBook,
  ShutdownOutcome,
  StatusReport,
  UsageParams,
  UsageSeriesParams,
} from '../application';
import type { InferenceEvents } from '../adapters/events/event-emitter-publisher';
import type {
  Consumer,
  InferenceError,
  InferenceRequest,
  InferenceResult,
  UsageReport,
  UsageSeries,
} from '../domain';
import type {
  BudgetLedger,
  CallsPage,
  Clock,
  HealthReport,
  LlmGateway,
  Readiness,
  CallObserver,
} from '../ports';
import { loadConfig, type Config } from './config';
import { buildContainer } from './container';
import type { Lifecycle } from './lifecycle';
import { createLogger, scrubbingLogger, type Logger } from './logger';
import type { ServiceOptions } from './options';
import { probeLogger } from './probe-log';
import { startReconciliation } from './reconciliation';
import { get, getAsync, TOKENS } from './tokens';

/** The in-process API other modules use. */
export interface InferenceService {
  /**
   * One inference. The type catches a wrong level or an unknown field at compile time; the
   * request is validated again at run time for untyped callers (`invalid_request` naming it).
   */
  infer(
    request: InferenceRequest,
    observer?: CallObserver,
    consumer?: Consumer,
  ): ResultAsync<InferenceResult, InferenceError>;
  /**
   * The same call streamed: iterate it for `start` and `delta` chunks; `result` is the final
   * Result once the call is recorded; `cancel()` (or leaving `for await` early) aborts it.
   */
  stream(request: InferenceRequest, observer?: CallObserver, consumer?: Consumer): InferenceStream;
  /** Consumer keys: issue, list, rotate, revoke (each an event in the log). */
  readonly keys: KeyAdmin;
  /** This instance's copy of the keys, for verifying a bearer key without I/O. */
  readonly keyring: Keyring;
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
  /** Spans lost on the way to the OTLP collector since start (0 with tracing off). */
  droppedSpans(): number;
  /** The validated configuration. Holds the API key: never log or serialise it whole. */
  readonly config: Config;
  /**
   * Stops taking calls: calls waiting for rate-limit capacity are refused (and recorded), calls
   * in flight get `server.shutdown_timeout_ms`, then those still upstream are aborted and
   * recorded `cancelled`. Idempotent; `close()` runs it first.
   */
  drain(): Promise<ShutdownOutcome>;
  /** Drains, stops background work and flushes the call log. */
  close(): Promise<void>;
}

/** Verifies bearer keys against this instance's copy of the keys. */
export interface Keyring {
  verify(token: string): KeyCheck;
  /** True once any key was ever issued: auth is then required even without a token. */
  anyIssued(): boolean;
}

/** Builds the service: loads config, wires adapters, starts background health checks. */
export const createInferenceService = async (
  options: ServiceOptions = {},
): Promise<InferenceService> => {
  const loaded = loadConfig({ path: options.configPath, values: options.config, env: options.env });
  if (loaded.isErr()) throw new Error(loaded.error.message);
  const config = loaded.value;
  const logger = scrubbingLogger(options.logger ?? createLogger('silent'), [
    config.server.authToken,
    config.openrouter.apiKey,
  ]);
  const c = buildContainer(config, options, logger);
  const lifecycle = get(c, TOKENS.Lifecycle);
  try {
    const run = await getAsync(c, TOKENS.RunInference);
    const getStatus = await getAsync(c, TOKENS.GetStatus);
    const budgetLedger = await getAsync(c, TOKENS.BudgetLedger);
    const getUsage = await getAsync(c, TOKENS.GetUsage);
    const getUsageSeries = await getAsync(c, TOKENS.GetUsageSeries);
    const listCalls = await getAsync(c, TOKENS.ListCalls);
    const health = await getAsync(c, TOKENS.HealthMonitor);
    const gateway = await getAsync(c, TOKENS.LlmGateway);
    const prices = get(c, TOKENS.PriceBook);
    const publisher = get(c, TOKENS.Publisher);
    const isReady = await getAsync(c, TOKENS.Readiness);
    const inFlight = get(c, TOKENS.InFlight);
    const clock = get(c, TOKENS.Clock);
    const tracing = get(c, TOKENS.Tracing);
    const keys = await getAsync(c, TOKENS.KeyAdmin);
    const directory = await getAsync(c, TOKENS.KeyDirectory);
    let draining: Promise<ShutdownOutcome> | undefined;
    const drain = () =>
      (draining ??= inFlight.shutdown(config.server.shutdownTimeoutMs, (ms, fn) =>
        clock.schedule(ms, fn),
      ));
    await startReconciliation(c, lifecycle, logger);
    if (options.background !== false) {
      startBackground(get(c, TOKENS.Clock), config, lifecycle, health, gateway, prices, logger);
    }
    return {
      infer: (request, observer, consumer) =>
        tracing.infer(observer, (o) => run(request, undefined, o, consumer)),
      stream: (request, observer, consumer) =>
        tracing.stream(observer, (o) => streamInference(run, request, o, consumer)),
      keys,
      keyring: {
        verify: (token) => directory.verify(token),
        anyIssued: () => directory.anyIssued(),
      },
      droppedSpans: () => tracing.dropped(),
      status: async () => {
        // Spend settled before this read is in its budgets (a shared ledger is read back),
        // waiting at most as long as a usage read waits for its aggregates.
        await settledWithin(budgetLedger, USAGE_READ_WAIT_MS);
        return getStatus();
      },
      usage: (params = {}) => getUsage(params),
      usageSeries: (params = {}) => getUsageSeries(params),
      calls: (params = {}) => listCalls(params),
      checkHealth: () => health.check(),
      ready: () => readiness(isReady),
      events: publisher.emitter,
      config,
      drain,
      close: async () => {
        await drain();
        await lifecycle.close((name, e) => logger.error({ err: e }, `closing ${name} failed`));
      },
    };
  } catch (e) {
    await lifecycle.close();
    throw e;
  }
};

/** Readiness: the check never rejects by contract; be sure. */
const readiness = (isReady: () => Promise<Readiness>): Promise<Readiness> =>
  isReady().catch(
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
  logger: Logger,
): void => {
  const interval = config.openrouter.healthCheckIntervalMs;
  const logProbe = probeLogger(logger, config.openrouter.apiKey !== '');
  let cancel: (() => void) | undefined;
  let stopped = false;
  const tick = (): void => {
    void health.check().then(logProbe);
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

/** Waits for `ledger` to show what was settled before now, at most `ms`; never fails. */
const settledWithin = async (ledger: BudgetLedger | undefined, ms: number): Promise<void> => {
  if (!ledger?.settled) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    ledger.settled().catch(() => undefined),
    new Promise<void>((r) => (timer = setTimeout(r, ms))),
  ]);
  clearTimeout(timer);
};
