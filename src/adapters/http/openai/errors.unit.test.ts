import { inferenceError } from '../../../domain';
import { problem } from '../problem';
import { invalidParam, openAiErrorOf, openAiErrorOfInference } from './errors';

describe('errors in OpenAI shape', () => {
  it.each([
    ['invalid_request', 400, 'invalid_request_error', 'false'],
    ['unauthorized', 401, 'authentication_error', 'false'],
    ['payload_too_large', 413, 'invalid_request_error', 'false'],
    ['not_found', 404, 'not_found_error', 'false'],
    ['rate_limited', 429, 'rate_limit_error', null],
    ['upstream_error', 502, 'server_error', null],
    ['unavailable', 503, 'server_error', null],
    ['upstream_timeout', 504, 'server_error', null],
  ] as const)('%s: status %i, type %s, x-should-retry %s', (code, status, type, shouldRetry) => {
    const e = openAiErrorOf(problem(code, 'why').body);
    expect(e.status).toBe(status);
    expect(e.body).toEqual({ error: { message: 'why', type, param: null, code } });
    expect(e.headers['x-should-retry'] ?? null).toBe(shouldRetry);
  });

  it('retry-after and retry-after-ms on 429 and 503 when a wait is known', () => {
    const limited = openAiErrorOf(problem('rate_limited', 'x', { retryAfterMs: 1500 }).body);
    expect(limited.headers).toEqual({ 'retry-after': '2', 'retry-after-ms': '1500' });
    const open = openAiErrorOf(problem('unavailable', 'x', { retryAfterMs: 30_000 }).body);
    expect(open.headers).toEqual({ 'retry-after': '30', 'retry-after-ms': '30000' });
    expect(openAiErrorOf(problem('unavailable', 'no key').body).headers).toEqual({});
  });

  it('budget_exceeded is final: insufficient_quota, x-should-retry false, with its wait', () => {
    const e = openAiErrorOf(
      problem('budget_exceeded', 'budget daily', { retryAfterMs: 5000, budget: 'daily' }).body,
    );
    expect(e.body.error).toMatchObject({ type: 'insufficient_quota', code: 'budget_exceeded' });
    expect(e.headers).toEqual({
      'retry-after': '5',
      'retry-after-ms': '5000',
      'x-should-retry': 'false',
    });
  });

  it('a native field is named by the OpenAI parameter it came from', () => {
    const params = {
      maxOutputTokens: 'max_completion_tokens',
      input: 'messages',
      level: 'metadata.level',
    };
    const tokens = inferenceError('invalid_request', 'maxOutputTokens: Too small', {
      field: 'maxOutputTokens',
    });
    expect(openAiErrorOfInference(tokens, params).body.error).toMatchObject({
      message: 'max_completion_tokens: Too small',
      param: 'max_completion_tokens',
    });
    const input = inferenceError('invalid_request', 'input: Too big', { field: 'input' });
    expect(openAiErrorOfInference(input, params).body.error.param).toBe('messages');
    const nested = inferenceError('invalid_request', 'messages.1.content: bad', {
      field: 'messages.1.content',
    });
    expect(openAiErrorOfInference(nested, { messages: 'messages' }).body.error.param).toBe(
      'messages.1.content',
    );
    const other = inferenceError('upstream_error', 'OpenRouter answered 400');
    expect(openAiErrorOfInference(other, params).body.error).toMatchObject({
      param: null,
      code: 'upstream_error',
    });
  });

  it('invalidParam is a 400 naming the parameter', () => {
    expect(invalidParam('stream', 'must be a boolean')).toMatchObject({
      status: 400,
      body: { error: { message: 'stream: must be a boolean', param: 'stream' } },
    });
  });
});
