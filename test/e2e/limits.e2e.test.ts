import { InMemoryGateway } from '../../src/adapters/in-memory';
import { problemSchema } from '../../src/adapters/http/schemas';
import { request, startTestServer, type TestServer } from './harness';

// The configured limiter refusing over real HTTP: one call per minute, no waiting.
describe('rate limits over HTTP', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(
      {
        openrouter: {
          api_key: 'sk-or-e2e-key',
          rate_limits: { calls_per_minute: 1, max_wait_ms: 0 },
        },
      },
      { gateway: new InMemoryGateway() },
    );
  });
  afterAll(() => server.shutdown());

  it('429 with Retry-After in whole seconds once the minute is spent; the cache still answers', async () => {
    expect((await server.infer(request('one'))).status).toBe(200);
    const refused = await server.infer(request('two'));
    expect(refused.status).toBe(429);
    const seconds = Number(refused.headers.get('retry-after'));
    expect(Number.isInteger(seconds)).toBe(true);
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(60);
    const p = problemSchema.parse(await refused.json());
    expect(p).toMatchObject({ code: 'rate_limited', status: 429, limit: 'calls_per_minute' });
    expect(Math.ceil(p.retryAfterMs! / 1000)).toBe(seconds);
    // A cache hit spends nothing upstream, so the limit does not apply to it.
    expect((await server.infer(request('one'))).status).toBe(200);

    const usage = (await (await server.fetch('/api/inference/usage')).json()) as {
      rateLimitedCalls: number;
      cachedCalls: number;
    };
    expect(usage).toMatchObject({ rateLimitedCalls: 1, cachedCalls: 1 });
  });
});
