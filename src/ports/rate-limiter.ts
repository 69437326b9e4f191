import type { Result } from 'neverthrow';
import type { LimitName } from '../domain';

/** Capacity held by an admitted call. */
export interface Permit {
  /** Corrects the token reservation to what the call actually used. */
  settle(actualTokens: number): void;
}

/** Why a call was not admitted, and when it could be. */
export interface RateLimitRejection {
  readonly limit: LimitName;
  readonly retryAfterMs: number;
}

/** Usage of the current window, for status. */
export interface LimiterSnapshot {
  readonly callsInWindow: number;
  readonly tokensInWindow: number;
  readonly waiting: number;
}

/**
 * Calls and tokens per minute (FR9, FR10). `acquire` admits at once, waits in FIFO order while
 * capacity will come within the limiter's maximum wait, or rejects at once when it will not.
 */
export interface RateLimiter {
  acquire(tokens: number): Promise<Result<Permit, RateLimitRejection>>;
  snapshot(): LimiterSnapshot;
}
