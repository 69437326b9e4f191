import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAKE_API_KEY, FakeOpenRouter } from '../support/fake-openrouter';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { waitFor } from '../support/wait-for';
import { request } from './harness';
import { listeningUrl, logLines, spawnServer, type ServerProcess } from './process-harness';

// The OTLP exporter loads node:http with a dynamic import(), which Jest's module sandbox
// refuses: the service runs as a real process here, as in production.
jest.setTimeout(120_000);

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** A service process calling `fake`, with `env` (OTEL_*); in memory unless given a database. */
class Service {
  private constructor(
    readonly proc: ServerProcess,
    readonly url: string,
  ) {}

  static async start(
    fake: FakeOpenRouter,
    env: Record<string, string>,
    db?: TestDatabase,
  ): Promise<Service> {
    const dir = mkdtempSync(join(tmpdir(), 'hs-tracing-'));
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      [
        'server: { host: 127.0.0.1, port: 0 }',
        `data_dir: "${dir}"`,
        'openrouter:',
        '  health_check_interval_ms: 0',
        '  retry: { max_attempts: 2, base_delay_ms: 1, max_delay_ms: 5 }',
        '',
      ].join('\n'),
    );
    const proc = spawnServer([...(db ? [] : ['--memory']), '--config', config], {
      OPENROUTER_BASE_URL: fake.baseUrl,
      OPENROUTER_API_KEY: FAKE_API_KEY,
      ...(db ? { DATABASE_URL: db.url } : {}),
      ...env,
    });
    return new Service(proc, await listeningUrl(proc));
  }

  fetch(path: string): Promise<Response> {
    return fetch(`${this.url}${path}`);
  }

  infer(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${this.url}/api/inference`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  }

  async stop(): Promise<void> {
    if (this.proc.child.exitCode === null) this.proc.child.kill('SIGTERM');
    await this.proc.exited;
  }
}

interface CallView {
  id: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  traceId: string | null;
  attempts: number;
  upstreamId: string | null;
}

const recordOf = async (server: Service, callId: string): Promise<CallView> => {
  const page = (await (await server.fetch('/api/inference/calls?limit=5')).json()) as {
    calls: CallView[];
  };
  const r = page.calls.find((c) => c.id === callId);
  if (!r) throw new Error(`no record of ${callId}`);
  return r;
};

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

/** A loopback port nothing listens on. */
const closedPort = async (): Promise<number> => {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
};

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
