import { InMemoryGateway } from '../../src/adapters/in-memory';
import { problemSchema, statusSchema } from '../../src/adapters/http/schemas';
import type { InferenceEvent } from '../../src/domain';
import { request, startTestServer, until } from './harness';

describe('degraded mode (no API key, NFR4)', () => {
  it('runs; status says why; POST answers 503 unavailable without Retry-After and records it', async () => {
    const server = await startTestServer({}, { gateway: new InMemoryGateway() });
    try {
      const status = statusSchema.parse(await (await server.fetch('/api/inference/status')).json());
      expect(status.enabled).toBe(false);
      expect(status.degradedReason).toMatch(/no OpenRouter API key/);
      expect(server.summary.degradedReason).toMatch(/no OpenRouter API key/);

      const res = await server.infer(request('while degraded'));
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBeNull();
      expect(problemSchema.parse(await res.json())).toMatchObject({ code: 'unavailable' });

      const calls = (await (await server.fetch('/api/inference/calls')).json()) as {
        calls: Array<{ status: string; errorMessage: string }>;
      };
      expect(calls.calls).toHaveLength(1);
      expect(calls.calls[0]).toMatchObject({ status: 'failed' });
      expect(calls.calls[0]?.errorMessage).toMatch(/^unavailable: /);
      expect((await server.fetch('/healthz')).status).toBe(200);
    } finally {
      await server.shutdown();
    }
  });
});

describe('graceful shutdown', () => {
  it('answers and records every call in flight, refuses new connections, then flushes', async () => {
    const gateway = new InMemoryGateway().hold();
    const server = await startTestServer({ openrouter: { api_key: 'sk-or-e2e-key' } }, { gateway });
    const recorded: InferenceEvent[] = [];
    server.service.events.on('InferenceSucceeded', (e) => recorded.push(e));

    const n = 12;
    const inFlight = Array.from({ length: n }, (_, i) => server.infer(request(`in flight ${i}`)));
    await until(() => gateway.received.length === n);

    const stopped = server.shutdown();
    await expect(server.fetch('/healthz')).rejects.toThrow();
    gateway.release();

    const answers = await Promise.all(inFlight);
    expect(answers.map((r) => r.status)).toEqual(Array(n).fill(200));
    expect(answers.every((r) => r.headers.get('connection') === 'close')).toBe(true);
    const report = await stopped;
    expect(report).toEqual({ inFlight: n, forced: false, aborted: 0 });
    expect(recorded).toHaveLength(n);
    expect(new Set(recorded.map((e) => e.data.callId)).size).toBe(n);
  });

  it('after server.shutdown_timeout_ms aborts the call still upstream: 503, recorded cancelled', async () => {
    const gateway = new InMemoryGateway().hold();
    const server = await startTestServer(
      { openrouter: { api_key: 'sk-or-e2e-key' }, server: { shutdown_timeout_ms: 50 } },
      { gateway },
    );
    const cancelled: InferenceEvent[] = [];
    server.service.events.on('InferenceCancelled', (e) => cancelled.push(e));
    const stuck = server.infer(request('never answered'));
    await until(() => gateway.received.length === 1);
    const report = await server.shutdown();
    expect(report).toEqual({ inFlight: 1, forced: true, aborted: 1 });
    const res = await stuck;
    expect(res.status).toBe(503);
    expect(((await res.json()) as { code: string }).code).toBe('unavailable');
    expect(cancelled).toHaveLength(1);
    expect(cancelled[0]?.data).toMatchObject({ reason: 'shutdown', costEstimated: true });
  });
});
