import type { ErrorCode, InferenceError } from '../../domain';

/** Codes the HTTP layer adds to the domain's: routing and the last-resort guard. */
export type HttpOnlyCode =
  | 'not_found'
  | 'conflict'
  | 'method_not_allowed'
  | 'request_timeout'
  | 'unsupported_media_type'
  | 'headers_too_large'
  | 'internal_error';

/** Every `code` a problem body can carry. */
export type ProblemCode = ErrorCode | HttpOnlyCode;

/** The one table from error code to HTTP status and title. */
export const PROBLEMS: Readonly<Record<ProblemCode, { status: number; title: string }>> = {
  invalid_request: { status: 400, title: 'Invalid request' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflict' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  request_timeout: { status: 408, title: 'Request timeout' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  headers_too_large: { status: 431, title: 'Request header fields too large' },
  rate_limited: { status: 429, title: 'Rate limited' },
  budget_exceeded: { status: 429, title: 'Budget exceeded' },
  internal_error: { status: 500, title: 'Internal error' },
  upstream_error: { status: 502, title: 'Upstream error' },
  invalid_output: { status: 502, title: 'Invalid structured output' },
  unavailable: { status: 503, title: 'Service unavailable' },
  upstream_timeout: { status: 504, title: 'Upstream timeout' },
};

/** An RFC 9457 problem body as the HTTP API shapes it, plus rate-limit details when known. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: ProblemCode;
  readonly detail: string;
  readonly retryAfterMs?: number;
  readonly limit?: string;
  /** The budget that refused the call, for `budget_exceeded`. */
  readonly budget?: string;
}

/** A problem ready to send: status, body and headers. */
export interface ProblemResponse {
  readonly status: number;
  readonly body: Problem;
  readonly headers: Readonly<Record<string, string>>;
}

/** The problem type URI for a code: a stable name, documented in docs/http-api.md. */
export const problemType = (code: ProblemCode): string => `urn:headspace-inference:problem:${code}`;

/** `Retry-After` in whole seconds, at least 1. */
export const retryAfterSeconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

const RETRY_AFTER_CODES: ReadonlySet<ProblemCode> = new Set<ProblemCode>([
  'rate_limited',
  'budget_exceeded',
  'unavailable',
]);

/** Builds the response for a problem code and detail. */
export const problem = (
  code: ProblemCode,
  detail: string,
  extra: {
    retryAfterMs?: number | undefined;
    limit?: string | undefined;
    budget?: string | undefined;
  } = {},
): ProblemResponse => {
  const { status, title } = PROBLEMS[code];
  const body: Problem = {
    type: problemType(code),
    title,
    status,
    code,
    detail,
    ...(extra.retryAfterMs === undefined ? {} : { retryAfterMs: extra.retryAfterMs }),
    ...(extra.limit === undefined ? {} : { limit: extra.limit }),
    ...(extra.budget === undefined ? {} : { budget: extra.budget }),
  };
  // Retry-After only where a retry can succeed later: a rate limit, a budget's next period, or
  // an open circuit.
  const headers: Record<string, string> =
    extra.retryAfterMs !== undefined && RETRY_AFTER_CODES.has(code)
      ? { 'Retry-After': String(retryAfterSeconds(extra.retryAfterMs)) }
      : {};
  return { status, body, headers };
};

/** The response for a domain error. */
export const problemOf = (e: InferenceError): ProblemResponse =>
  problem(e.code, e.detail, {
    retryAfterMs: 'retryAfterMs' in e ? e.retryAfterMs : undefined,
    limit: e.code === 'rate_limited' ? e.limit : undefined,
    budget: e.code === 'budget_exceeded' ? e.budget : undefined,
  });
