import { FAKE_API_KEY, FakeOpenRouter } from '../support/fake-openrouter';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { waitFor } from '../support/wait-for';
import { request } from './harness';
import { logLines } from './process-harness';
import { hex, recordOf, Service } from './tracing-harness';

// Spawning node with tsx compiles on the fly: allow for a busy machine.
jest.setTimeout(120_000);

describe.each(['http/json', 'http/protobuf'])('traces over OTLP %s', (protocol) => {
  let receiver: OtlpReceiver;
  let db: TestDatabase | undefined;
  let fake: FakeOpenRouter;
  let server: Service;

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    fake = await FakeOpenRouter.start();
    db = await createTestDatabase();
    server = await Service.start(
      fake,
      {
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        OTEL_BSP_SCHEDULE_DELAY: '20',
      },
      db,
    );
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
    await fake.close();
    await receiver.close();
  });

  it('a retried call: server span under the caller, two CLIENT spans, traceparent upstream, trace_id recorded', async () => {
    const traceId = hex(16);
    const callerSpan = hex(8);
    const prompt = `traced prompt ${hex(4)}`;
    fake.script(500, 200);
    const res = await server.infer(request(prompt), {
      traceparent: `00-${traceId}-${callerSpan}-01`,
    });
    expect(res.status).toBe(200);
    const { callId } = (await res.json()) as { callId: string };

    const tree = await waitFor(
      async () => {
        const spans = receiver.spans.filter((s) => s.traceId === traceId);
        const call = spans.find((s) => s.attributes['headspace.call_id'] === callId);
        const clients = spans.filter((s) => s.kind === 3);
        const appends = spans.filter((s) => s.name.startsWith('append '));
        return call && clients.length === 2 && appends.length === 2
          ? { spans, call, clients, appends }
          : undefined;
      },
      10_000,
      { everyMs: 20 },
    );

    const record = await recordOf(server, callId);
    expect(record.traceId).toBe(traceId);
    expect(record.attempts).toBe(2);
    const { call, clients, appends } = tree;
    expect(call.kind).toBe(2);
    expect(call.parentSpanId).toBe(callerSpan);
    expect(call.serviceName).toBe('headspace-inference');
    expect(call.name).toMatch(/^chat \S+/);
    expect(call.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openrouter',
      'gen_ai.usage.input_tokens': record.inputTokens,
      'gen_ai.usage.output_tokens': record.outputTokens,
      'headspace.cost_usd': record.costUsd,
      'headspace.status': 'succeeded',
      'headspace.cache_hit': false,
      'headspace.level': 'turn',
    });
    for (const s of [...clients, ...appends]) expect(s.parentSpanId).toBe(call.spanId);
    const [first, second] = [...clients].sort(
      (a, b) =>
        Number(a.attributes['headspace.attempt']) - Number(b.attributes['headspace.attempt']),
    ) as [ReceivedSpan, ReceivedSpan];
    expect(first.statusCode).toBe(2);
    expect(first.attributes['http.response.status_code']).toBe(500);
    expect(second.statusCode).not.toBe(2);
    expect(record.upstreamId).toEqual(expect.any(String));
    expect(call.attributes['gen_ai.response.id']).toBe(record.upstreamId);
    expect(second.attributes['gen_ai.response.id']).toBe(record.upstreamId);

    // OpenRouter was sent this trace, each attempt naming its own CLIENT span.
    const sent = fake.completions().map((r) => String(r.headers.traceparent));
    expect(sent).toEqual([`00-${traceId}-${first.spanId}-01`, `00-${traceId}-${second.spanId}-01`]);

    // The request's access line names the trace too.
    const line = logLines(server.proc).find((l) => l.callId === callId);
    expect(line?.trace_id).toBe(traceId);

    const everything = JSON.stringify(tree.spans);
    expect(everything).not.toContain(prompt);
    expect(everything).not.toContain(FAKE_API_KEY);
    expect([...receiver.contentTypes].join()).toContain(
      protocol === 'http/json' ? 'json' : 'protobuf',
    );
  });

  it('a streamed call has its span and its attempt, ended when the stream is', async () => {
    const traceId = hex(16);
    const res = await server.infer(request('streamed and traced', { stream: true }), {
      traceparent: `00-${traceId}-${hex(8)}-01`,
    });
    expect(res.status).toBe(200);
    await res.text();
    const spans = await waitFor(
      async () => {
        const mine = receiver.spans.filter((s) => s.traceId === traceId);
        const call = mine.find((s) => s.kind === 2 && s.attributes['headspace.status']);
        return call && mine.some((s) => s.kind === 3) ? { call, mine } : undefined;
      },
      10_000,
      { everyMs: 20 },
    );
    expect(spans.call.attributes['headspace.status']).toBe('succeeded');
    expect(fake.completions().at(-1)?.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-`));
  });

  it('a cache hit is marked; a refused call has error status and code', async () => {
    const first = await server.infer(request('cache me'));
    expect(first.status).toBe(200);
    const hit = await server.infer(request('cache me'));
    const { callId } = (await hit.json()) as { callId: string };
    fake.script(400);
    const refused = await server.infer(request('refused upstream'));
    expect(refused.status).toBe(502);
    const spans = await waitFor(
      async () => {
        const cached = receiver.spans.find((s) => s.attributes['headspace.call_id'] === callId);
        const failed = receiver.spans.find((s) => s.attributes['headspace.status'] === 'failed');
        return cached && failed ? { cached, failed } : undefined;
      },
      10_000,
      { everyMs: 20 },
    );
    expect(spans.cached.attributes['headspace.cache_hit']).toBe(true);
    expect(spans.failed.statusCode).toBe(2);
    expect(spans.failed.attributes['error.type']).toBe('upstream_error');
  });
});
