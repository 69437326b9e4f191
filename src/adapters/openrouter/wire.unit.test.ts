import { prompt } from '../../../test/support/prompt';
import { isUpstreamFailure, type UpstreamFailure } from './failure';
import { chatBody, completionOf, httpFailure, scrub, upstreamHeaders } from './wire';

const KEY = 'sk-or-v1-secret';
const call = { model: 'm/requested', attempts: 2, apiKey: KEY };

const failureOf = (text: string): UpstreamFailure => {
  try {
    completionOf(text, call);
  } catch (e) {
    if (isUpstreamFailure(e)) return e;
  }
  throw new Error('expected an UpstreamFailure');
};

describe('the wire format', () => {
  it('headers: bearer key, attribution (both title headers), JSON', () => {
    expect(
      upstreamHeaders({ apiKey: KEY, httpReferer: 'https://x.test', appTitle: 'App' }),
    ).toEqual({
      Authorization: `Bearer ${KEY}`,
      'Content-Type': 'application/json',
      'HTTP-Referer': 'https://x.test',
      'X-Title': 'App',
      'X-OpenRouter-Title': 'App',
    });
  });

  it('headers: empty attribution is left out, non-ASCII is percent-encoded', () => {
    expect(upstreamHeaders({ apiKey: KEY, httpReferer: '', appTitle: 'Café' })).toEqual({
      Authorization: `Bearer ${KEY}`,
      'Content-Type': 'application/json',
      'X-Title': 'Caf%C3%A9',
      'X-OpenRouter-Title': 'Caf%C3%A9',
    });
  });

  it('body: a lone user message, nothing else given', () => {
    expect(JSON.parse(chatBody({ model: 'm', messages: prompt('i') }))).toStrictEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'i' }],
    });
  });

  it('reads a reply; a missing usage counts zero tokens and no reported cost', () => {
    const c = completionOf(
      JSON.stringify({ id: 'gen-1', choices: [{ message: { content: 'hi' } }] }),
      call,
    );
    expect(c).toEqual({
      text: 'hi',
      toolCalls: null,
      finishReason: null,
      inputTokens: 0,
      outputTokens: 0,
      reasoningTokens: 0,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      model: 'm/requested',
      upstreamId: 'gen-1',
      reportedCostUsd: null,
      attempts: 2,
    });
  });

  it('a 200 that is not JSON, has no choices, or carries an error is a failure', () => {
    expect(failureOf('<html>')).toMatchObject({ kind: 'malformed', retryable: true });
    expect(failureOf('{"choices":[]}')).toMatchObject({ kind: 'no-choices', retryable: true });
    expect(failureOf('{"choices":[{"message":{"content":3}}]}').kind).toBe('no-choices');
    const e = failureOf(JSON.stringify({ error: { code: 429, message: 'slow down' } }));
    expect(e).toMatchObject({ kind: 'error-body', retryable: true, status: 429 });
    expect(e.message).toContain('slow down');
    expect(failureOf('{"error":{"code":"moderation","message":"flagged"}}')).toMatchObject({
      retryable: true,
      status: undefined,
    });
    expect(failureOf('{"error":{"code":403,"message":"flagged"}}').retryable).toBe(false);
  });

  it('a non-2xx keeps OpenRouter’s message and the Retry-After', () => {
    const e = httpFailure(429, '{"error":{"code":429,"message":"Rate limit exceeded"}}', 2000, KEY);
    expect(e).toMatchObject({ kind: 'http', status: 429, retryable: true, retryAfterMs: 2000 });
    expect(e.message).toBe('OpenRouter answered 429: Rate limit exceeded');
    expect(httpFailure(502, '', undefined, KEY).message).toBe('OpenRouter answered 502');
  });

  it('never keeps the key, even when upstream echoes it', () => {
    const e = httpFailure(401, `{"error":{"message":"bad key ${KEY}"}}`, undefined, KEY);
    expect(e.message).not.toContain(KEY);
    expect(e.message).toContain('[redacted]');
    expect(failureOf(`{"error":{"code":500,"message":"${KEY}"}}`).message).not.toContain(KEY);
  });

  it('scrub bounds long messages', () => {
    expect(scrub('x'.repeat(2000), KEY).length).toBeLessThanOrEqual(501);
  });
});

describe('upstream text is scrubbed and well-formed before anyone keeps it', () => {
  const LONG_KEY = 'sk-or-v1-9f8e7d6c5b4a39281706f5e4d3c2b1a0';
  const longCall = { ...call, apiKey: LONG_KEY };

  it('an error echoing the key upper-cased, or a 24-character prefix of it, loses it', () => {
    for (const echo of [LONG_KEY.toUpperCase(), LONG_KEY.slice(0, 24)]) {
      const f = httpFailure(
        401,
        JSON.stringify({ error: { message: `bad key ${echo}` } }),
        undefined,
        LONG_KEY,
      );
      expect(f.message).not.toContain(echo);
      expect(f.message).toContain('[redacted]');
    }
  });

  it('an answer echoing the key keeps the answer without the key', () => {
    const body = {
      id: `gen_${LONG_KEY.slice(9, 30)}`,
      choices: [{ message: { content: `your key is ${LONG_KEY.toLowerCase()}.` } }],
    };
    const c = completionOf(JSON.stringify(body), longCall);
    expect(c.text).toBe('your key is [redacted].');
    expect(c.upstreamId).toBe('gen_[redacted]');
  });

  it('lone surrogates in text, model, id and error messages become U+FFFD', () => {
    const c = completionOf(
      '{"id":"g\\ud800","model":"m\\udc00","choices":[{"message":{"content":"a\\ud800b"}}]}',
      call,
    );
    expect([c.text, c.model, c.upstreamId]).toEqual(['a\ufffdb', 'm\ufffd', 'g\ufffd']);
    const f = httpFailure(500, '{"error":{"message":"x\\ud800"}}', undefined, KEY);
    expect(f.message).toBe('OpenRouter answered 500: x\ufffd');
  });
});
