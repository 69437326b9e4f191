import { inferenceError, isInferenceError, type ErrorCode, type InferenceError } from './errors';

/** A consumer's exhaustive switch: it compiles only while every code is handled. */
const describeError = (e: InferenceError): string => {
  switch (e.code) {
    case 'invalid_request':
      return `fix ${e.field}`;
    case 'rate_limited':
      return `${e.limit}: retry in ${e.retryAfterMs} ms`;
    case 'unauthorized':
    case 'forbidden':
    case 'payload_too_large':
    case 'budget_exceeded':
    case 'upstream_error':
    case 'invalid_output':
    case 'unavailable':
    case 'upstream_timeout':
      return e.code;
    default: {
      const unhandled: never = e;
      return unhandled;
    }
  }
};

describe('InferenceError', () => {
  it('is narrowed by code to exactly its fields', () => {
    const limited = inferenceError('rate_limited', 'rate limit reached', {
      limit: 'calls_per_minute',
      retryAfterMs: 1500,
    });
    expect(describeError(limited)).toBe('calls_per_minute: retry in 1500 ms');
    expect(describeError(inferenceError('invalid_request', 'level: bad', { field: 'level' }))).toBe(
      'fix level',
    );
    expect(describeError(inferenceError('unavailable', 'no key'))).toBe('unavailable');
  });

  it('cannot be built without the fields its code requires', () => {
    // @ts-expect-error rate_limited needs limit and retryAfterMs
    const a = inferenceError('rate_limited', 'x');
    // @ts-expect-error invalid_request needs field
    const b = inferenceError('invalid_request', 'x', {});
    // @ts-expect-error field belongs to invalid_request only
    const c: InferenceError = { code: 'unavailable', detail: 'x', field: 'level' };
    expect([a.code, b.code, c.code]).toEqual(['rate_limited', 'invalid_request', 'unavailable']);
  });

  it('is recognised by its code and detail, not by class', () => {
    const codes: ErrorCode[] = ['invalid_request', 'rate_limited', 'upstream_timeout'];
    for (const code of codes) expect(isInferenceError({ code, detail: 'd' })).toBe(true);
    expect(isInferenceError({ code: 'nope', detail: 'd' })).toBe(false);
    expect(isInferenceError({ code: 'unavailable' })).toBe(false);
    expect(isInferenceError(new Error('unavailable'))).toBe(false);
  });
});
