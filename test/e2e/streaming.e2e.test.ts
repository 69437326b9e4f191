import { answerTo } from '../../src/adapters/in-memory/in-memory-gateway';
import { callsPageSchema, problemSchema } from '../../src/adapters/http/schemas';
import { FAKE_API_KEY, FakeOpenRouter } from '../support/fake-openrouter';
import { request, startTestServer, type TestServer } from './harness';
import { readSse, sseReader, type SseEvent } from './sse-client';

const MODEL = 'anthropic/claude-haiku-4.5';

// Streaming end to end: the real server and gateway, PostgreSQL, and the fake OpenRouter.
describe('streamed inference over HTTP (server-sent events)', () => {
  let fake: FakeOpenRouter;
  let server: TestServer;

  beforeAll(async () => {
    fake = await FakeOpenRouter.start();
    server = await startTestServer(
      {
        openrouter: {
          base_url: fake.baseUrl,
          api_key: FAKE_API_KEY,
          timeout_ms: 5000,
          retry: { max_attempts: 2, base_delay_ms: 1, max_delay_ms: 5 },
        },
      },
      { streamKeepAliveMs: 30 },
    );
  });
  afterAll(async () => {
    await server.shutdown();
    await fake.close();
  });
  beforeEach(() => fake.clear());

  const stream = (input: string, extra: Record<string, unknown> = {}, signal?: AbortSignal) =>
    server.fetch('/api/inference', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request(input, { stream: true, ...extra })),
      ...(signal ? { signal } : {}),
    });
  const calls = async () =>
    callsPageSchema.parse(await (await server.fetch('/api/inference/calls?limit=100')).json())
      .calls;
  const recordOf = async (id: string) => (await calls()).find((c) => c.id === id);
  const deltaText = (events: SseEvent[]) =>
    events
      .filter((e) => e.event === 'delta')
      .map((e) => e.data.text as string)
      .join('');

  it('start, deltas, done: the deltas add up to the recorded text, tokens are the usage chunk', async () => {
    const res = await stream('stream me a summary');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const { events } = await readSse(res);
    const names = events.map((e) => e.event);
    expect(names[0]).toBe('start');
    expect(names.at(-1)).toBe('done');
    expect(names.slice(1, -1).every((n) => n === 'delta')).toBe(true);
    expect(names.length).toBeGreaterThan(3);
    const done = events.at(-1)!.data;
    expect(events[0]!.data).toEqual({ callId: done.callId, level: 'turn', model: MODEL });
    const expected = answerTo({
      model: MODEL,
      messages: [{ role: 'user', content: 'stream me a summary' }],
    });
    expect(deltaText(events)).toBe(expected.text);
    expect(done).toMatchObject({ text: expected.text, cached: false });
    // `done` is sent only once the record is durable: it is there as soon as we look.
    const rec = await recordOf(done.callId);
    expect(rec).toMatchObject({
      status: 'succeeded',
      resultText: deltaText(events),
      inputTokens: expected.inputTokens,
      outputTokens: expected.outputTokens,
      upstreamId: expected.upstreamId,
      streamed: true,
      attempts: 1,
    });
    expect(rec?.ttftMs).toEqual(expect.any(Number));
    expect(rec?.reportedCostUsd).toBeCloseTo(
      (expected.inputTokens * 1 + expected.outputTokens * 5) / 1e6,
      12,
    );
  });

  it('a retry before the first token is invisible to the client', async () => {
    // The first attempt's stream fails before any text: the client never hears of it.
    fake.script({ stream: { errorAfter: 0 } });
    const { events } = await readSse(await stream('retried before its first token'));
    expect(events.map((e) => e.event).filter((n) => n !== 'delta')).toEqual(['start', 'done']);
    expect((await recordOf(events[0]!.data.callId))?.attempts).toBe(2);
    expect(fake.completions()).toHaveLength(2);
  });

  it('a mid-stream error chunk: event error with a problem body, and one failed record', async () => {
    fake.script({ stream: { errorAfter: 1, errorMessage: 'Provider went away' } });
    const { events } = await readSse(await stream('fails mid-stream'));
    expect(events.map((e) => e.event)).toEqual(['start', 'delta', 'error']);
    const p = problemSchema.parse(events[2]!.data);
    expect(p).toMatchObject({ code: 'upstream_error', status: 502 });
    expect(p.detail).toContain('Provider went away');
    const mine = (await calls()).filter((c) => c.id === events[0]!.data.callId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ status: 'failed', streamed: true });
    expect(fake.completions()).toHaveLength(1);
  });

  it('an upstream refusal before the first token is an ordinary problem response', async () => {
    fake.script(400);
    const res = await stream('refused at once');
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(problemSchema.parse(await res.json()).code).toBe('upstream_error');
  });

  it('validation errors stay 400 problems, and leave no record', async () => {
    const before = (await calls()).length;
    const res = await stream('x', { level: 'nope' });
    expect(res.status).toBe(400);
    expect(problemSchema.parse(await res.json()).detail).toMatch(/^level/);
    expect(await calls()).toHaveLength(before);
  });

  it('a client that goes after the first delta: upstream closed within a second, one record of it', async () => {
    fake.script({ stream: { hangAfter: 1 } });
    const abort = new AbortController();
    const sse = sseReader(await stream('abandoned after one delta', {}, abort.signal));
    const start = await sse.next();
    expect(start?.event).toBe('start');
    expect((await sse.next())?.event).toBe('delta');
    const leftAt = Date.now();
    abort.abort();
    await fake.streamsEnded(1);
    expect(fake.streamEnds[0]!.completed).toBe(false);
    expect(fake.streamEnds[0]!.at - leftAt).toBeLessThan(1000);
    let mine: Awaited<ReturnType<typeof calls>> = [];
    for (let i = 0; i < 200 && mine.length === 0; i++) {
      mine = (await calls()).filter((c) => c.id === start!.data.callId);
    }
    expect(mine).toHaveLength(1);
    const expected = answerTo({
      model: MODEL,
      messages: [{ role: 'user', content: 'abandoned after one delta' }],
    });
    // No usage chunk arrived: tokens and cost are estimated from the text, to be reconciled by
    // generation id.
    expect(mine[0]).toMatchObject({
      status: 'cancelled',
      streamed: true,
      costEstimated: true,
      upstreamId: expected.upstreamId,
      inputTokens: expected.inputTokens,
    });
    expect(mine[0]!.outputTokens).toBeGreaterThan(0);
    expect(mine[0]!.costUsd).toBeGreaterThan(0);
  });

  it('a client that goes before the first token: recorded cancelled, input cost estimated', async () => {
    fake.script({ stream: { firstChunkDelayMs: 60_000 } });
    const abort = new AbortController();
    const before = new Set((await calls()).map((c) => c.id));
    const received = fake.received.length;
    const pending = stream('abandoned before any token', {}, abort.signal).catch(() => undefined);
    await fake.requests(received + 1);
    abort.abort();
    await pending;
    await fake.streamsEnded(1);
    expect(fake.streamEnds[0]!.completed).toBe(false);
    let mine: Awaited<ReturnType<typeof calls>> = [];
    for (let i = 0; i < 200 && mine.length === 0; i++) {
      mine = (await calls()).filter((c) => !before.has(c.id));
    }
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      status: 'cancelled',
      streamed: true,
      ttftMs: null,
      costEstimated: true,
      outputTokens: 0,
    });
    expect(mine[0]!.inputTokens).toBeGreaterThan(0);
  });

  it('keep-alive comments while the stream is quiet', async () => {
    fake.script({ stream: { chunkDelayMs: 150 } });
    const { events, comments } = await readSse(await stream('slow chunks'));
    expect(events.at(-1)?.event).toBe('done');
    expect(comments).toContain('keep-alive');
  });

  it('a cache hit streams as one delta, then done', async () => {
    await readSse(await stream('asked twice'));
    const { events } = await readSse(await stream('asked twice'));
    expect(events.map((e) => e.event)).toEqual(['start', 'delta', 'done']);
    expect(events[2]!.data).toMatchObject({ cached: true, costUsd: 0 });
    expect(events[1]!.data.text).toBe(events[2]!.data.text);
  });

  it('no record is doubled, and /metrics counts streamed calls and time to first token', async () => {
    const ids = (await calls()).map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    const metrics = await (await server.fetch('/metrics')).text();
    expect(metrics).toMatch(/inference_streamed_calls_total\{[^}]*outcome="succeeded"\} [1-9]/);
    expect(metrics).toMatch(/inference_time_to_first_token_seconds_count\{[^}]*\} [1-9]/);
  });
});
