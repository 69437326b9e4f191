/** Which rate limit refused a call. */
export type LimitName = 'calls_per_minute' | 'tokens_per_minute';

/** What an upstream failure says about the attempts made. */
interface UpstreamFields {
  /** Upstream attempts made before this failure. */
  readonly attempts?: number;
  /** Upstream HTTP status, when there was one. */
  readonly upstreamStatus?: number;
}

/** A field list known only by its type: the table below is read by the compiler, not at run time. */
const fields = <T extends object = Record<never, never>>(): T => ({}) as T;

/**
 * Every error code and the fields its errors carry besides `code` and `detail`. Adding a code is
 * one line here; the compiler then points at every exhaustive `switch` and table to extend.
 */
const ERROR_FIELDS = {
  /** The request is malformed; `field` names the member at fault. */
  invalid_request: fields<{ readonly field: string }>(),
  unauthorized: fields(),
  /** The caller's key may not do this (a scope, a level or a model); `detail` names what. */
  forbidden: fields(),
  payload_too_large: fields(),
  /** A rate limit refused the call; a retry after `retryAfterMs` can succeed. */
  rate_limited: fields<{ readonly limit: LimitName; readonly retryAfterMs: number }>(),
  /** A spend cap refused the call; it fits again after `retryAfterMs` (the period resets). */
  budget_exceeded: fields<{ readonly budget: string; readonly retryAfterMs: number }>(),
  upstream_error: fields<UpstreamFields>(),
  /** Structured output still invalid after the repairs; `detail` names the first problem. */
  invalid_output: fields<UpstreamFields>(),
  /** No key, circuit open, or the call log cannot record; `retryAfterMs` when known. */
  unavailable: fields<UpstreamFields & { readonly retryAfterMs?: number }>(),
  upstream_timeout: fields<UpstreamFields>(),
};
type ErrorFields = typeof ERROR_FIELDS;

/** Codes of expected failures. */
export type ErrorCode = keyof ErrorFields;

/** The error of one code: `code`, a human-readable `detail` (never a secret) and its fields. */
export type InferenceErrorOf<C extends ErrorCode> = {
  readonly code: C;
  /** Human-readable; names the offending field or upstream status, never a secret. */
  readonly detail: string;
} & ErrorFields[C];

/** An expected failure, carried as a value in a Result; a `switch` on `code` narrows it. */
export type InferenceError = { [C in ErrorCode]: InferenceErrorOf<C> }[ErrorCode];

/** The extra fields argument: required when the code has a required field. */
type ExtraArg<C extends ErrorCode> =
  Record<never, never> extends ErrorFields[C] ? [extra?: ErrorFields[C]] : [extra: ErrorFields[C]];

/** Builds an InferenceError of `code` with the fields that code requires. */
export const inferenceError = <C extends ErrorCode>(
  code: C,
  detail: string,
  ...[extra]: ExtraArg<C>
): InferenceErrorOf<C> => ({ code, detail, ...extra }) as InferenceErrorOf<C>;

const CODES: ReadonlySet<string> = new Set(Object.keys(ERROR_FIELDS));

/** True when `e` is an InferenceError value (brand check by code, not instanceof). */
export const isInferenceError = (e: unknown): e is InferenceError =>
  typeof e === 'object' &&
  e !== null &&
  typeof (e as { code?: unknown }).code === 'string' &&
  CODES.has((e as { code: string }).code) &&
  typeof (e as { detail?: unknown }).detail === 'string';

/** Upstream attempts an error reports; 0 when it has none. */
export const attemptsOf = (e: InferenceError): number => ('attempts' in e ? (e.attempts ?? 0) : 0);

/** The codes whose errors carry `attempts`: exactly those with the upstream fields. */
type UpstreamCode = {
  [C in ErrorCode]: 'attempts' extends keyof ErrorFields[C] ? C : never;
}[ErrorCode];

/** For each code, whether it carries `attempts` (a new code must say; the type checks the answer). */
const CARRIES_ATTEMPTS: { readonly [C in ErrorCode]: C extends UpstreamCode ? true : false } = {
  invalid_request: false,
  unauthorized: false,
  forbidden: false,
  payload_too_large: false,
  rate_limited: false,
  budget_exceeded: false,
  upstream_error: true,
  invalid_output: true,
  unavailable: true,
  upstream_timeout: true,
};

/** `e` with `attempts` set, for the codes that come from upstream; other codes as they are. */
export const withAttempts = (e: InferenceError, attempts: number): InferenceError =>
  CARRIES_ATTEMPTS[e.code] ? ({ ...e, attempts } as InferenceError) : e;
