import type { InferenceError } from '../../../domain';
import { problem, problemOf, retryAfterSeconds, type Problem } from '../problem';

/** OpenAI's error body: `{ error: { message, type, param, code } }`. */
export interface OpenAiError {
  readonly error: {
    readonly message: string;
    readonly type: string;
    readonly param: string | null;
    readonly code: string;
  };
}

/** An OpenAI error ready to send: the native status, the body and its headers. */
export interface OpenAiErrorResponse {
  readonly status: number;
  readonly body: OpenAiError;
  readonly headers: Readonly<Record<string, string>>;
}

/** OpenAI's `type` for a status and code, as its SDKs and tools expect to see it. */
const typeOf = (status: number, code: string): string => {
  if (code === 'budget_exceeded') return 'insufficient_quota';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_denied_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 404) return 'not_found_error';
  if (status < 500) return 'invalid_request_error';
  return 'server_error';
};

/** Statuses where a retry of the same request cannot succeed. */
const FINAL = new Set([400, 401, 403, 404, 405, 413, 415]);

/**
 * A native problem in OpenAI's shape, with the same status. `retry-after` (seconds) and
 * `retry-after-ms` go on 429 and 503 when a wait is known, which the OpenAI SDK honours;
 * `x-should-retry: false` tells the SDKs not to retry what retrying cannot fix.
 */
export const openAiErrorOf = (p: Problem, param: string | null = null): OpenAiErrorResponse => {
  const headers: Record<string, string> = {};
  if (p.retryAfterMs !== undefined && (p.status === 429 || p.status === 503)) {
    headers['retry-after'] = String(retryAfterSeconds(p.retryAfterMs));
    headers['retry-after-ms'] = String(Math.max(1, Math.ceil(p.retryAfterMs)));
  }
  if (FINAL.has(p.status) || p.code === 'budget_exceeded') {
    headers['x-should-retry'] = 'false';
  }
  return {
    status: p.status,
    body: { error: { message: p.detail, type: typeOf(p.status, p.code), param, code: p.code } },
    headers,
  };
};

/** A request field at fault as a `400 invalid_request` naming the OpenAI parameter. */
export const invalidParam = (param: string, message: string): OpenAiErrorResponse =>
  openAiErrorOf(problem('invalid_request', `${param}: ${message}`).body, param);

/**
 * A native error in OpenAI's shape. For a field the native validation named, the OpenAI
 * parameter it came from is named instead (`maxOutputTokens` → `max_tokens`, …).
 */
export const openAiErrorOfInference = (
  e: InferenceError,
  params: Readonly<Record<string, string>>,
): OpenAiErrorResponse => {
  const p = problemOf(e).body;
  if (e.code !== 'invalid_request' || e.field === undefined) return openAiErrorOf(p);
  const [head = '', ...rest] = e.field.split('.');
  const param = params[head] ?? head;
  const path = head === 'messages' || params[head] === undefined ? [param, ...rest] : [param];
  const named = path.join('.');
  const detail = p.detail.startsWith(`${e.field}:`)
    ? `${named}:${p.detail.slice(e.field.length + 1)}`
    : p.detail;
  return openAiErrorOf({ ...p, detail }, named);
};
