import { problemSchema } from '../../src/adapters/http/schemas';
import { FAKE_API_KEY, FakeOpenRouter } from '../support/fake-openrouter';
import { request, startTestServer, type TestServer } from './harness';

// The upstream rows of the error table (docs/http-api.md) with the real OpenRouter gateway against the fake OpenRouter.
describe('upstream outcomes over HTTP (OpenRouter gateway → fake OpenRouter)', () => {
  let fake: FakeOpenRouter;
  let server: TestServer;

  beforeAll(async () => {
    fake = await FakeOpenRouter.start();
    server = await startTestServer({
      openrouter: {
        base_url: fake.baseUrl,
        api_key: FAKE_API_KEY,
        timeout_ms: 300,
        retry: { max_attempts: 2, base_delay_ms: 1, max_delay_ms: 5 },
        // Three failed calls in a row open it: the 500s, the timeouts and the 503s, in this order.
        circuit_breaker: { consecutive_failures: 3, half_open_after_ms: 60_000 },
      },
    });
  });
  afterAll(async () => {
    await server.shutdown();
    await fake.close();
  });
  beforeEach(() => fake.clear());

  const attemptsOf = async (callId?: string): Promise<number | undefined> => {
    const page = (await (await server.fetch('/api/inference/calls?limit=1')).json()) as {
      calls: Array<{ id: string; attempts: number }>;
    };
    if (callId !== undefined) expect(page.calls[0]?.id).toBe(callId);
    return page.calls[0]?.attempts;
  };

  it('200 after an upstream 429 then 200: retried, two attempts recorded', async () => {
    fake.script({ status: 429, retryAfter: 0 }, 200);
    const res = await server.infer(request('retried once'));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { callId: string };
    expect(await attemptsOf(body.callId)).toBe(2);
    expect(fake.completions()).toHaveLength(2);
  });

  it('502 upstream_error when OpenRouter refuses (400): one attempt, status in detail', async () => {
    fake.script(400);
    const res = await server.infer(request('refused'));
    expect(res.status).toBe(502);
    const p = problemSchema.parse(await res.json());
    expect(p).toMatchObject({ code: 'upstream_error' });
    expect(p.detail).toMatch(/400/);
    expect(p.detail).not.toContain(FAKE_API_KEY);
    expect(fake.completions()).toHaveLength(1);
  });

  it('502 upstream_error when retries run out (500, 500)', async () => {
    fake.script(500, 500);
    const res = await server.infer(request('keeps failing'));
    expect(res.status).toBe(502);
    expect(await attemptsOf()).toBe(2);
  });

  it('504 upstream_timeout when every attempt times out', async () => {
    fake.script('hang', 'hang');
    const res = await server.infer(request('too slow'));
    expect(res.status).toBe(504);
    expect(problemSchema.parse(await res.json()).code).toBe('upstream_timeout');
  });

  it('503 unavailable with Retry-After once the circuit opens; nothing sent upstream', async () => {
    // Two failed calls above (500s, timeouts) plus this one make three in a row.
    fake.script(503, 503);
    expect((await server.infer(request('third failure'))).status).toBe(502);
    fake.clear();
    const res = await server.infer(request('circuit open'));
    expect(res.status).toBe(503);
    const seconds = Number(res.headers.get('retry-after'));
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(60);
    expect(problemSchema.parse(await res.json()).code).toBe('unavailable');
    expect(fake.completions()).toHaveLength(0);
    const status = (await (await server.fetch('/api/inference/status')).json()) as {
      circuitBreaker: string;
      degradedReason: string | null;
    };
    expect(status.circuitBreaker).toBe('open');
    expect(status.degradedReason).toMatch(/circuit/);
    const metrics = await (await server.fetch('/metrics')).text();
    expect(metrics.split('\n')).toContain('inference_circuit_state{state="open"} 1');
  });
});
