import { FakeOpenRouter } from '../support/fake-openrouter';
import { waitFor } from '../support/wait-for';
import { request } from './harness';
import { closedPort, hex, recordOf, Service } from './tracing-harness';

// Spawning node with tsx compiles on the fly: allow for a busy machine.
jest.setTimeout(120_000);

describe('a dead collector', () => {
  let fake: FakeOpenRouter;
  let server: Service;

  beforeAll(async () => {
    fake = await FakeOpenRouter.start();
    server = await Service.start(fake, {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await closedPort()}`,
      OTEL_BSP_SCHEDULE_DELAY: '20',
    });
  });
  afterAll(async () => {
    await server?.stop();
    await fake.close();
  });

  it('leaves calls unaffected and counts the spans it loses in /metrics', async () => {
    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      const res = await server.infer(request(`dead collector ${i}`));
      expect(res.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(2000);
    }
    const dropped = await waitFor(
      async () => {
        const text = await (await server.fetch('/metrics')).text();
        const m = /^headspace_trace_spans_dropped_total (\d+)/m.exec(text);
        return m && Number(m[1]) > 0 ? Number(m[1]) : undefined;
      },
      10_000,
      { everyMs: 50 },
    );
    expect(dropped).toBeGreaterThan(0);
  });
});

describe('tracing off', () => {
  let fake: FakeOpenRouter;
  let server: Service;

  beforeAll(async () => {
    fake = await FakeOpenRouter.start();
    server = await Service.start(fake, {});
  });
  afterAll(async () => {
    await server?.stop();
    await fake.close();
  });

  it("keeps a caller's trace id on the record, sends no traceparent, and none without one", async () => {
    const traceId = hex(16);
    const res = await server.infer(request('untraced'), {
      traceparent: `00-${traceId}-${hex(8)}-01`,
    });
    const { callId } = (await res.json()) as { callId: string };
    expect((await recordOf(server, callId)).traceId).toBe(traceId);
    expect(fake.completions()[0]?.headers.traceparent).toBeUndefined();
    const bare = await server.infer(request('no trace'));
    const bareId = ((await bare.json()) as { callId: string }).callId;
    expect((await recordOf(server, bareId)).traceId).toBeNull();
    const metrics = await (await server.fetch('/metrics')).text();
    expect(metrics).toMatch(/^headspace_trace_spans_dropped_total 0$/m);
  });
});
