/** Rate limit settings, as configured under `openrouter.rate_limits`. */
export interface RateLimits {
  readonly callsPerMinute: number;
  readonly tokensPerMinute: number;
  readonly maxWaitMs: number;
  readonly maxQueue: number;
}

/** The sliding window every limit is counted over. */
export const WINDOW_MS = 60_000;

/**
 * A reservation the limits can always hold: a request larger than the whole per-minute budget
 * is charged the whole budget (it runs alone in its window) instead of waiting forever.
 * A count that is not a number is charged the whole budget too: never admit "unlimited".
 */
export const reservationOf = (requested: number, tokensPerMinute: number): number =>
  Number.isNaN(requested)
    ? tokensPerMinute
    : Math.min(Math.max(0, Math.ceil(requested)), tokensPerMinute);
