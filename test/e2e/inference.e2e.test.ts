import { InMemoryGateway } from '../../src/adapters/in-memory';
import { inferenceResultSchema, problemSchema } from '../../src/adapters/http/schemas';
import { inferenceError } from '../../src/domain';
import { request, startTestServer, type TestServer } from './harness';

// POST /api/inference, row by row over real HTTP (docs/http-api.md).
describe('POST /api/inference', () => {
  let gateway: InMemoryGateway;
  let server: TestServer;

  beforeAll(async () => {
    gateway = new InMemoryGateway();
    server = await startTestServer(
      { openrouter: { api_key: 'sk-or-e2e-key' }, server: { max_body_bytes: 4096 } },
      { gateway },
    );
  });
  afterAll(() => server.shutdown());

  const problemOf = async (res: Response) => {
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    return problemSchema.parse(await res.json());
  };

  it('200: answers with the contract shape, then 200 cached on the repeat', async () => {
    const first = await server.infer(request('the first question'));
    expect(first.status).toBe(200);
    const a = inferenceResultSchema.parse(await first.json());
    expect(a).toMatchObject({ level: 'turn', model: 'anthropic/claude-haiku-4.5', cached: false });
    expect(a.costUsd).toBeGreaterThan(0);

    const again = await server.infer(request('the first question'));
    const b = inferenceResultSchema.parse(await again.json());
    expect(b).toMatchObject({ cached: true, costUsd: 0, text: a.text });
    expect([b.inputTokens, b.outputTokens]).toEqual([a.inputTokens, a.outputTokens]);
    expect(b.callId).not.toBe(a.callId);
  });

  it('400: malformed JSON, a non-object, a wrong content type, and a field named', async () => {
    const bad = await server.infer('{"level": "turn",');
    expect(bad.status).toBe(400);
    expect((await problemOf(bad)).detail).toMatch(/^body: not valid JSON/);

    expect((await problemOf(await server.infer('[1,2]'))).detail).toMatch(/JSON object/);

    const form = await server.fetch('/api/inference', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'level=turn',
    });
    expect((await problemOf(form)).detail).toMatch(/^content-type:/);

    const field = await server.infer(request('x', { temperature: 3 }));
    expect(field.status).toBe(400);
    expect(await problemOf(field)).toMatchObject({ code: 'invalid_request', status: 400 });
  });

  it('400 names each offending field', async () => {
    for (const [name, body] of [
      ['level', request('x', { level: 'epic' })],
      ['purpose', request('x', { purpose: '' })],
      ['input', request('')],
      ['maxOutputTokens', request('x', { maxOutputTokens: 0 })],
      ['projectId', request('x', { projectId: 'p'.repeat(129) })],
      ['cache', request('x', { cache: 'yes' })],
    ] as const) {
      const p = await problemOf(await server.infer(body));
      expect(p.detail.startsWith(`${name}:`)).toBe(true);
    }
  });

  it('413: a declared body over server.max_body_bytes', async () => {
    const res = await server.infer(request('x'.repeat(5000)));
    expect(res.status).toBe(413);
    expect(await problemOf(res)).toMatchObject({ code: 'payload_too_large' });
  });

  it('429: rate_limited with Retry-After, retryAfterMs and limit', async () => {
    // The refusal as the use case reports it; the real limiter answers in limits.e2e.test.ts.
    gateway.enqueue(
      inferenceError('rate_limited', 'rate limit calls_per_minute reached', {
        retryAfterMs: 1500,
        limit: 'calls_per_minute',
      }),
    );
    const res = await server.infer(request('limited'));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(await problemOf(res)).toMatchObject({ retryAfterMs: 1500, limit: 'calls_per_minute' });
  });

  it('502: upstream_error when OpenRouter refused or retries ran out', async () => {
    gateway.enqueue(inferenceError('upstream_error', 'OpenRouter answered 400', { attempts: 1 }));
    const res = await server.infer(request('refused upstream'));
    expect(res.status).toBe(502);
    expect(await problemOf(res)).toMatchObject({ code: 'upstream_error' });
  });

  it('503: unavailable with Retry-After when the circuit is open', async () => {
    gateway.enqueue(inferenceError('unavailable', 'circuit open', { retryAfterMs: 30_000 }));
    const res = await server.infer(request('circuit'));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('30');
  });

  it('504: upstream_timeout when every attempt timed out', async () => {
    gateway.enqueue(inferenceError('upstream_timeout', 'every attempt timed out', { attempts: 2 }));
    const res = await server.infer(request('slow'));
    expect(res.status).toBe(504);
    expect(await problemOf(res)).toMatchObject({ code: 'upstream_timeout' });
  });

  it('X-Request-Id: echoed when given, generated when absent', async () => {
    const given = await server.infer(request('ids'), { 'x-request-id': 'trace-42' });
    expect(given.headers.get('x-request-id')).toBe('trace-42');
    const made = await server.fetch('/healthz');
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('every request that passed validation left exactly one call record', async () => {
    const page = await server.fetch('/api/inference/calls?limit=500');
    const { calls } = (await page.json()) as { calls: Array<{ status: string }> };
    const statuses = calls.map((c) => c.status).sort();
    // 200, cached, 429, 502, 503, 504, ids; none for the 400s and the 413.
    expect(statuses).toEqual(
      ['cached', 'failed', 'failed', 'failed', 'rate_limited', 'succeeded', 'succeeded'].sort(),
    );
  });
});
