/** Codes of expected failures, as in CONTRACT §1. */
export type ErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'payload_too_large'
  | 'rate_limited'
  | 'budget_exceeded'
  | 'upstream_error'
  | 'invalid_output'
  | 'unavailable'
  | 'upstream_timeout';

/** Which rate limit refused a call. */
export type LimitName = 'calls_per_minute' | 'tokens_per_minute';

/** An expected failure, carried as a value in a Result. */
export interface InferenceError {
  readonly code: ErrorCode;
  /** Human-readable; names the offending field or upstream status, never a secret. */
  readonly detail: string;
  /** The field at fault, for `invalid_request`. */
  readonly field?: string;
  /** When a retry can succeed (rate limited, circuit open). */
  readonly retryAfterMs?: number;
  readonly limit?: LimitName;
  /** The budget that refused the call, for `budget_exceeded`. */
  readonly budget?: string;
  /** Upstream attempts made before this failure. */
  readonly attempts?: number;
  /** Upstream HTTP status, when there was one. */
  readonly upstreamStatus?: number;
}

/** Builds an InferenceError. */
export const inferenceError = (
  code: ErrorCode,
  detail: string,
  extra: Omit<InferenceError, 'code' | 'detail'> = {},
): InferenceError => ({ code, detail, ...extra });

const CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'invalid_request',
  'unauthorized',
  'payload_too_large',
  'rate_limited',
  'budget_exceeded',
  'upstream_error',
  'invalid_output',
  'unavailable',
  'upstream_timeout',
]);

/** True when `e` is an InferenceError value (brand check by code, not instanceof). */
export const isInferenceError = (e: unknown): e is InferenceError =>
  typeof e === 'object' &&
  e !== null &&
  typeof (e as { code?: unknown }).code === 'string' &&
  CODES.has((e as { code: string }).code) &&
  typeof (e as { detail?: unknown }).detail === 'string';
