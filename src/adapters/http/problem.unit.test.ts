import { inferenceError, type ErrorCode, type InferenceError } from '../../domain';
import { PROBLEMS, problem, problemOf, retryAfterSeconds } from './problem';

// The error table of docs/http-api.md, row by row: the single source of these statuses.
const DOCUMENTED: Record<ErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  payload_too_large: 413,
  rate_limited: 429,
  budget_exceeded: 429,
  upstream_error: 502,
  invalid_output: 502,
  unavailable: 503,
  upstream_timeout: 504,
};

describe('error table', () => {
  it.each(Object.entries(DOCUMENTED))('maps %s to %i', (code, status) => {
    const p = problemOf({ code, detail: 'why' } as InferenceError);
    expect(p.status).toBe(status);
    expect(p.body).toMatchObject({ status, code, detail: 'why' });
    expect(p.body.type).toContain(code);
    expect(p.body.title).toBe(PROBLEMS[code as ErrorCode].title);
  });

  it('has exactly the contract codes plus the HTTP-only ones', () => {
    const httpOnly = [
      'not_found',
      'conflict',
      'method_not_allowed',
      'request_timeout',
      'unsupported_media_type',
      'headers_too_large',
      'internal_error',
    ];
    expect(Object.keys(PROBLEMS).sort()).toEqual([...Object.keys(DOCUMENTED), ...httpOnly].sort());
  });
});

describe('Retry-After', () => {
  it('is whole seconds, rounded up, at least 1', () => {
    expect(retryAfterSeconds(1)).toBe(1);
    expect(retryAfterSeconds(999)).toBe(1);
    expect(retryAfterSeconds(1000)).toBe(1);
    expect(retryAfterSeconds(1001)).toBe(2);
    expect(retryAfterSeconds(59_500)).toBe(60);
    expect(retryAfterSeconds(0)).toBe(1);
  });

  it('is set on 429 with retryAfterMs and limit in the body', () => {
    const p = problemOf(
      inferenceError('rate_limited', 'rate limit calls_per_minute reached', {
        retryAfterMs: 2500,
        limit: 'calls_per_minute',
      }),
    );
    expect(p.headers).toEqual({ 'Retry-After': '3' });
    expect(p.body).toMatchObject({ retryAfterMs: 2500, limit: 'calls_per_minute' });
  });

  it('is set on 429 budget_exceeded until the period resets, the budget named in the body', () => {
    const p = problemOf(
      inferenceError('budget_exceeded', 'budget daily is spent', {
        retryAfterMs: 3_600_001,
        budget: 'daily',
      }),
    );
    expect(p.status).toBe(429);
    expect(p.headers).toEqual({ 'Retry-After': '3601' });
    expect(p.body).toMatchObject({
      code: 'budget_exceeded',
      retryAfterMs: 3_600_001,
      budget: 'daily',
    });
    expect(p.body).not.toHaveProperty('limit');
  });

  it('is set on 503 from an open circuit, not on 503 from a missing key', () => {
    expect(
      problemOf(inferenceError('unavailable', 'circuit open', { retryAfterMs: 30_000 })).headers,
    ).toEqual({ 'Retry-After': '30' });
    expect(problemOf(inferenceError('unavailable', 'no key')).headers).toEqual({});
  });

  it('is never set on other codes, even with a retry hint', () => {
    expect(problem('upstream_error', 'x', { retryAfterMs: 5000 }).headers).toEqual({});
  });
});
