import {
  CircuitState as CockatielState,
  ConsecutiveBreaker,
  DelegateBackoff,
  TimeoutStrategy,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  wrap,
  type IRetryBackoffContext,
} from 'cockatiel';
import type { CircuitState } from '../../ports';
import { isRetryableFailure, isUpstreamFailure } from './failure';

/** Retry settings (`openrouter.retry`); `maxAttempts` counts the first attempt. */
export interface RetrySettings {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** Everything the policies need. */
export interface ResilienceSettings {
  /** Per attempt. */
  readonly timeoutMs: number;
  readonly retry: RetrySettings;
  readonly circuitBreaker: {
    readonly consecutiveFailures: number;
    readonly halfOpenAfterMs: number;
  };
}

/** What the policies report, for logs and tests. */
export type ResilienceEvent =
  | {
      readonly type: 'RetryScheduled';
      readonly attempt: number;
      readonly delayMs: number;
      readonly reason: string;
    }
  | { readonly type: 'CircuitChanged'; readonly state: CircuitState };

/**
 * The wait before retry `attempt` (1 = the first retry): what `Retry-After` asked for when it
 * was sent, else exponential from `baseDelayMs` with equal jitter (half fixed, half random, so
 * concurrent callers spread out but never retry at once); capped at `maxDelayMs` either way.
 */
export const retryDelay = (
  attempt: number,
  retryAfterMs: number | undefined,
  r: RetrySettings,
  random: () => number,
): number => {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, r.maxDelayMs);
  const ceiling = Math.min(r.maxDelayMs, r.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
};

const retryAfterOf = (ctx: IRetryBackoffContext<unknown>): number | undefined =>
  'error' in ctx.result && isUpstreamFailure(ctx.result.error)
    ? ctx.result.error.retryAfterMs
    : undefined;

/**
 * cockatiel policies, outermost first: circuit breaker ← retry ← per-attempt timeout. Only
 * retryable failures are retried, and only those that are still failing after their retries
 * count towards opening the circuit; the rest pass through untouched. cockatiel waits with
 * `setTimeout` and reads `Date.now()`, so tests drive it with jest's fake timers.
 */
export const makePolicies = (
  s: ResilienceSettings,
  random: () => number,
  onEvent: (e: ResilienceEvent) => void,
) => {
  const retryable = handleWhen(isRetryableFailure);
  const breaker = circuitBreaker(retryable, {
    halfOpenAfter: s.circuitBreaker.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(s.circuitBreaker.consecutiveFailures),
  });
  const retries = retry(retryable, {
    maxAttempts: s.retry.maxAttempts - 1,
    backoff: new DelegateBackoff((ctx: IRetryBackoffContext<unknown>) =>
      retryDelay(ctx.attempt, retryAfterOf(ctx), s.retry, random),
    ),
  });
  // An attempt returns only once its reply is read, so there is nothing left to abort; aborting
  // anyway built a DOMException per call (~5% of the service's CPU in a profile).
  const perAttempt = timeout(s.timeoutMs, {
    strategy: TimeoutStrategy.Cooperative,
    abortOnReturn: false,
  });
  let openedAt = 0;
  breaker.onBreak(() => (openedAt = Date.now()));

  /** The breaker's state as status shows it: open turns half-open once the wait is over. */
  const state = (): CircuitState => {
    switch (breaker.state) {
      case CockatielState.Closed:
        return 'closed';
      case CockatielState.HalfOpen:
        return 'half-open';
      case CockatielState.Open:
        return Date.now() - openedAt >= s.circuitBreaker.halfOpenAfterMs ? 'half-open' : 'open';
      default:
        return 'open';
    }
  };
  breaker.onStateChange(() => onEvent({ type: 'CircuitChanged', state: state() }));
  retries.onRetry((r) =>
    onEvent({
      type: 'RetryScheduled',
      attempt: r.attempt,
      delayMs: r.delay,
      reason: 'error' in r ? r.error.message : 'unexpected result',
    }),
  );
  return {
    policy: wrap(breaker, retries, perAttempt),
    /** For streams: the same breaker and retries; their timeouts are per chunk, not per attempt. */
    streamPolicy: wrap(breaker, retries),
    // Health checks and price refreshes run in the background: they must not hold the process up.
    probeTimeout: timeout(s.timeoutMs, TimeoutStrategy.Cooperative).dangerouslyUnref(),
    state,
    /** How long an open circuit stays shut, for `Retry-After`. */
    reopensInMs: (): number =>
      Math.max(1, openedAt + s.circuitBreaker.halfOpenAfterMs - Date.now()),
  };
};

/** The policies one gateway shares across its calls. */
export type Policies = ReturnType<typeof makePolicies>;
