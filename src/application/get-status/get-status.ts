import { LEVELS, type Fallbacks, type Level, type ModelMap } from '../../domain';
import type {
  BudgetLedger,
  Cache,
  CallLog,
  CircuitState,
  DatabaseState,
  LlmGateway,
  ProjectionLag,
  StorageStats,
  StorageStatus,
  RateLimiter,
  SharedStore,
  SharedStoreStatus,
} from '../../ports';
import type { HealthMonitor } from '../check-health/health-monitor';
import type { PriceBook } from '../pricing/price-book';
import { budgetReport, type BudgetReport } from './budget-status';

/** Settings status shows (never the key itself). */
export interface StatusSettings {
  readonly baseUrl: string;
  readonly apiKeyConfigured: boolean;
  readonly models: ModelMap;
  /** Fallback models per level; absent means none. */
  readonly fallbacks?: Fallbacks;
  readonly rateLimits: { callsPerMinute: number; tokensPerMinute: number; maxWaitMs: number };
  readonly cache: { enabled: boolean; ttlSeconds: number; maxEntries: number };
  readonly retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
}

/** The status document (`GET /api/inference/status`, `svc.status()`). */
export interface StatusReport {
  readonly enabled: boolean;
  readonly degradedReason: string | null;
  readonly openrouter: {
    readonly baseUrl: string;
    readonly apiKeyConfigured: boolean;
    readonly reachable: boolean | null;
    readonly authenticated: boolean | null;
    readonly checkedAt: string | null;
    readonly latencyMs: number | null;
    readonly error: string | null;
  };
  readonly circuitBreaker: CircuitState;
  readonly models: ModelMap;
  /** Models OpenRouter may fall back to, per level, in order. */
  readonly fallbacks: Readonly<Record<Level, readonly string[]>>;
  readonly rateLimits: StatusSettings['rateLimits'] & {
    callsInWindow: number;
    tokensInWindow: number;
    waiting: number;
  };
  readonly cache: StatusSettings['cache'] & { entries: number; hits: number; misses: number };
  readonly retry: StatusSettings['retry'];
  /** Every configured budget in its current period. */
  readonly budgets: readonly BudgetReport[];
  /**
   * The call log: events not yet in the database, the last write failure, where the database is
   * (`absent` until first reached, then `migrating`; `unreachable` while writes fail) and why the
   * journal could not be written, if it could not.
   */
  readonly logging: {
    backlog: number;
    lastError: string | null;
    database: DatabaseState;
    journalError: string | null;
  };
  /** How far the asynchronous usage aggregates trail the log (measured about once a second). */
  readonly projections: {
    usage: { lagMs: number | null; asOf: string | null };
  };
  /** What the call log keeps on disk (null in memory, or until first measured). */
  readonly storage: StorageStatus | null;
  /** The store shared across instances; a warning while limits and cache fell back to local. */
  readonly redis: SharedStoreStatus;
  readonly pricing: { fetchedModels: number; unpricedModels: string[] };
}

/** What getStatus reads. */
export interface StatusDeps {
  readonly settings: StatusSettings;
  readonly health: HealthMonitor;
  readonly gateway: LlmGateway;
  readonly limiter: RateLimiter;
  readonly cache: Cache;
  readonly log: CallLog;
  readonly prices: PriceBook;
  /** Absent when no shared store is configured. */
  readonly sharedStore?: SharedStore;
  /** Absent when no budgets are configured. */
  readonly budgets?: BudgetLedger;
  /** Absent when usage is projected inline (in memory): never behind. */
  readonly projections?: ProjectionLag;
  /** Absent in memory: nothing is kept on disk. */
  readonly storage?: StorageStats;
}

const NOT_BEHIND = { lagMs: 0, asOf: null };

const NO_SHARED_STORE: SharedStoreStatus = { configured: false, connected: null, warning: null };

/** Why the service is degraded, or null (NFR4). */
const degradedReason = (d: StatusDeps, circuit: CircuitState): string | null => {
  if (!d.settings.apiKeyConfigured) return 'no OpenRouter API key is configured';
  const log = d.log.health();
  if (log.full) return 'the call log backlog is full; the database is unreachable';
  if (log.journalError !== null && log.database !== 'connected') {
    return 'calls cannot be recorded: the database is unreachable and the backlog journal cannot be written';
  }
  if (circuit === 'open') return 'circuit breaker open after consecutive upstream failures';
  return null;
};

/** Reads the status document; it cannot fail, so it is a plain value. */
export type GetStatus = () => StatusReport;

/** The status use case (FR21, FR23): always answers, never waits on the network. */
export const makeGetStatus =
  (d: StatusDeps): GetStatus =>
  () => {
    const h = d.health.latest();
    const circuit = d.gateway.circuitState();
    const reason = degradedReason(d, circuit);
    const logHealth = d.log.health();
    return {
      enabled: reason === null,
      degradedReason: reason,
      openrouter: {
        baseUrl: d.settings.baseUrl,
        apiKeyConfigured: d.settings.apiKeyConfigured,
        reachable: h?.reachable ?? null,
        authenticated: h?.authenticated ?? null,
        checkedAt: h?.checkedAt ?? null,
        latencyMs: h?.latencyMs ?? null,
        error: h?.error ?? null,
      },
      circuitBreaker: circuit,
      models: d.settings.models,
      fallbacks: Object.fromEntries(
        LEVELS.map((l) => [l, d.settings.fallbacks?.[l] ?? []]),
      ) as Record<Level, readonly string[]>,
      rateLimits: { ...d.settings.rateLimits, ...d.limiter.snapshot() },
      cache: { ...d.settings.cache, ...d.cache.stats() },
      retry: d.settings.retry,
      budgets: (d.budgets?.snapshot() ?? []).map(budgetReport),
      logging: {
        backlog: logHealth.backlog,
        lastError: logHealth.lastError,
        database: logHealth.database,
        journalError: logHealth.journalError,
      },
      projections: { usage: d.projections?.usageLag() ?? NOT_BEHIND },
      storage: d.storage?.storage() ?? null,
      redis: d.sharedStore?.status() ?? NO_SHARED_STORE,
      pricing: {
        fetchedModels: d.prices.fetchedCount(),
        unpricedModels: d.prices.unpricedModels(),
      },
    };
  };
