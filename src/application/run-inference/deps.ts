import type { Fallbacks, ModelMap } from '../../domain';
import type {
  Cache,
  CallLog,
  Clock,
  EventPublisher,
  LlmGateway,
  RateLimiter,
  SchemaValidator,
} from '../../ports';
import type { PriceBook } from '../pricing/price-book';
import type { BudgetGate } from './budget-gate';
import type { KeyLimiters } from '../consumer-keys/key-limiters';
import type { InFlightCalls } from './in-flight';

/** What runInference needs. */
export interface RunInferenceDeps {
  readonly gateway: LlmGateway;
  readonly log: CallLog;
  readonly cache: Cache;
  readonly limiter: RateLimiter;
  readonly clock: Clock;
  readonly publisher: EventPublisher;
  readonly prices: PriceBook;
  readonly schemas: SchemaValidator;
  readonly newId: () => string;
  /** Each consumer key's own rate limits; none when absent. */
  readonly keyLimiters?: KeyLimiters;
  /** Spend caps; none when absent. */
  readonly budgets?: BudgetGate;
  /** This service instance, named in each intent (default: a fixed in-process name). */
  readonly instanceId?: string;
  /** The calls running, for shutdown (default: a registry of its own). */
  readonly inFlight?: InFlightCalls;
  readonly settings: {
    readonly models: ModelMap;
    readonly fallbacks: Fallbacks;
    /** Further models a request may name in `model`. */
    readonly allowedModels: readonly string[];
    /** Repairs of invalid structured output before `invalid_output`. */
    readonly repairAttempts: number;
    readonly maxInputChars: number;
    /** `rate_limits.tokens_per_minute`: a call that could never fit it is refused 400. */
    readonly tokensPerMinute?: number;
    readonly cacheEnabled: boolean;
    /** false: degraded, every call answers `unavailable` (NFR4). */
    readonly apiKeyConfigured: boolean;
    /**
     * A call still upstream this long after its generation id is known has the id appended
     * (fire-and-forget), for reconciling it if this instance dies (default 200).
     */
    readonly identifyUpstreamAfterMs?: number;
  };
}
