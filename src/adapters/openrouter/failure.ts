import { inferenceError, type InferenceError } from '../../domain';

/** How one upstream attempt failed. */
export type FailureKind =
  'network' | 'timeout' | 'http' | 'malformed' | 'error-body' | 'no-choices';

/**
 * True when a request answered with `status` may succeed if sent again: 408, 429
 * and server errors. 501 and 505 say the server never will; every other 4xx is the request's own
 * fault (400, 401, 402 no credit, 403, 404, 422, …) and is not retried.
 */
export const isRetryableStatus = (status: number): boolean =>
  status === 408 ||
  status === 429 ||
  (status >= 500 && status <= 599 && status !== 501 && status !== 505);

/**
 * One failed upstream attempt. It is thrown inside the cockatiel policies (which filter errors)
 * and becomes an InferenceError value at the adapter's edge. Its message never holds the key.
 */
export class UpstreamFailure extends Error {
  /** Brand for `isUpstreamFailure`, so no `instanceof` is needed across module copies. */
  readonly isUpstreamFailure = true;

  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly retryable: boolean,
    /** The HTTP status (or the status an error body names), when there was one. */
    readonly status?: number,
    /** What a `Retry-After` header asked for, in milliseconds. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'UpstreamFailure';
  }
}

/** True when `e` is an UpstreamFailure. */
export const isUpstreamFailure = (e: unknown): e is UpstreamFailure =>
  typeof e === 'object' &&
  e !== null &&
  (e as { isUpstreamFailure?: unknown }).isUpstreamFailure === true;

/** True when `e` is an UpstreamFailure worth retrying (and counting against the circuit). */
export const isRetryableFailure = (e: unknown): boolean => isUpstreamFailure(e) && e.retryable;

/** What the network layer said, without anything request-specific (URLs may carry secrets). */
export const networkReason = (e: unknown): string => {
  const cause = (e as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return e instanceof Error ? e.message : 'network error';
};

/** Attempts made by one call, and how many of them timed out. */
export interface CallTally {
  attempts: number;
  timeouts: number;
}

/**
 * The InferenceError for a call whose last attempt failed with `e`: every attempt
 * timed out → `upstream_timeout`; otherwise `upstream_error` (refused, or retries ran out).
 */
export const callFailure = (
  e: UpstreamFailure,
  tally: CallTally,
  timeoutMs: number,
): InferenceError => {
  const extra = {
    attempts: tally.attempts,
    ...(e.status === undefined ? {} : { upstreamStatus: e.status }),
  };
  if (tally.timeouts === tally.attempts) {
    const each = `${tally.attempts} attempt${tally.attempts === 1 ? '' : 's'} of ${timeoutMs} ms`;
    return inferenceError('upstream_timeout', `every attempt timed out (${each})`, extra);
  }
  const detail = e.retryable
    ? `gave up after ${tally.attempts} attempts; last: ${e.message}`
    : e.message;
  return inferenceError('upstream_error', detail, extra);
};

/** The InferenceError for a call the open circuit refused without sending anything. */
export const circuitOpen = (retryAfterMs: number): InferenceError =>
  inferenceError('unavailable', 'circuit breaker open after consecutive upstream failures', {
    retryAfterMs,
    attempts: 0,
  });
