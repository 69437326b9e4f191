import { runInferenceOver } from '../../../test/support/run-inference-setup';
import { streamInference, type StreamChunk } from './stream-inference';
import { answerTo } from '../../adapters/in-memory';
import { inferenceError } from '../../domain';
import { InFlightCalls } from './in-flight';

/** The use case over in-memory fakes, and a way to stream through it. */
const setup = () => {
  const inFlight = new InFlightCalls();
  const t = runInferenceOver(
    {},
    { 'm/light': { input: 1, output: 5 }, 'm/heavy': { input: 3, output: 15 } },
    { limits: { callsPerMinute: 60, tokensPerMinute: 1_000_000 }, inFlight },
  );
  return {
    shutdown: (timeoutMs: number) =>
      inFlight.shutdown(timeoutMs, (ms, fn) => t.clock.schedule(ms, fn)),
    run: t.run,
    stream: (raw: unknown) => streamInference(t.run, raw),
    clock: t.clock,
    store: t.store,
    gateway: t.gateway,
    limiter: t.limiter,
    events: t.events,
  };
};

const REQ = { level: 'turn', purpose: 'summarise', input: 'hello world, this is a turn' } as const;
const text = (chunks: StreamChunk[]) => chunks.map((c) => c.text ?? '').join('');
const drain = async (s: AsyncIterable<StreamChunk>) => {
  const out: StreamChunk[] = [];
  for await (const c of s) out.push(c);
  return out;
};

describe('streamInference', () => {
  it('announces the call, then deltas that add up to the recorded text; streamed and ttft recorded', async () => {
    const t = setup();
    const s = t.stream(REQ);
    const chunks = await drain(s);
    const r = (await s.result)._unsafeUnwrap();
    expect(chunks[0]).toEqual({ type: 'start', callId: r.callId, level: 'turn', model: 'm/light' });
    expect(chunks.slice(1).every((c) => c.type === 'delta')).toBe(true);
    expect(chunks.length).toBeGreaterThan(2);
    expect(text(chunks)).toBe(
      answerTo({ model: 'm/light', messages: [{ role: 'user', content: REQ.input }] }).text,
    );
    const rec = await t.store.get(r.callId);
    expect(rec).toMatchObject({
      status: 'succeeded',
      resultText: text(chunks),
      streamed: true,
      ttftMs: 0,
    });
    // The token reservation settled to the stream's usage.
    expect(t.limiter.snapshot().tokensInWindow).toBe(r.inputTokens + r.outputTokens);
  });

  it('tool calls stream as fragments and are recorded assembled', async () => {
    const t = setup();
    const tools = [{ type: 'function', function: { name: 'clock', parameters: {} } }];
    const s = t.stream({
      ...REQ,
      tools,
      toolChoice: { type: 'function', function: { name: 'clock' } },
    });
    const chunks = await drain(s);
    const fragments = chunks.flatMap((c) => (c.type === 'delta' ? (c.toolCalls ?? []) : []));
    expect(fragments).toEqual([
      {
        index: 0,
        id: expect.any(String),
        type: 'function',
        function: { name: 'clock', arguments: '{}' },
      },
    ]);
    const r = (await s.result)._unsafeUnwrap();
    expect(r).toMatchObject({ finishReason: 'tool_calls', toolCalls: [{ id: fragments[0]!.id }] });
    expect(await t.store.get(r.callId)).toMatchObject({
      finishReason: 'tool_calls',
      toolCalls: [{ id: fragments[0]!.id, function: { name: 'clock' } }],
      streamed: true,
    });
  });

  it('a plain call is recorded as not streamed', async () => {
    const t = setup();
    const r = (await t.run(REQ))._unsafeUnwrap();
    expect(await t.store.get(r.callId)).toMatchObject({ streamed: false, ttftMs: null });
    expect((await t.events())[0]?.data).not.toHaveProperty('streamed');
  });

  it('identical streams in flight are not coalesced: each goes upstream and is billed', async () => {
    const t = setup();
    t.gateway.hold();
    const a = t.stream({ ...REQ, cache: false });
    const b = t.stream({ ...REQ, cache: false });
    const c = t.stream(REQ);
    await new Promise((r) => setImmediate(r));
    t.gateway.release();
    await Promise.all([drain(a), drain(b), drain(c)]);
    expect(t.gateway.received).toHaveLength(3);
    expect((await t.events()).map((e) => e.type)).toEqual(Array(3).fill('InferenceSucceeded'));
  });

  it('a cache hit streams as one delta, recorded as a cached stream', async () => {
    const t = setup();
    const first = (await t.run(REQ))._unsafeUnwrap();
    const s = t.stream(REQ);
    const chunks = await drain(s);
    expect(chunks.map((c) => c.type)).toEqual(['start', 'delta']);
    expect(text(chunks)).toBe(first.text);
    const r = (await s.result)._unsafeUnwrap();
    expect(r.cached).toBe(true);
    expect(await t.store.get(r.callId)).toMatchObject({ status: 'cached', streamed: true });
    expect(t.gateway.received).toHaveLength(1);
  });

  it('an upstream refusal before the first delta sends nothing and is recorded failed', async () => {
    const t = setup();
    t.gateway.enqueue(inferenceError('upstream_error', 'OpenRouter answered 400', { attempts: 1 }));
    const s = t.stream(REQ);
    expect(await drain(s)).toEqual([]);
    expect((await s.result)._unsafeUnwrapErr().code).toBe('upstream_error');
    const [e] = await t.events();
    expect(e).toMatchObject({ type: 'InferenceFailed', data: { streamed: true, ttftMs: null } });
  });

  it('an upstream error mid-stream ends it with the error, recorded failed once', async () => {
    const t = setup();
    t.gateway.breakNextStream(
      inferenceError('upstream_error', 'stream error 502', { attempts: 1 }),
    );
    const s = t.stream(REQ);
    const chunks = await drain(s);
    expect(chunks.map((c) => c.type)).toEqual(['start', 'delta']);
    expect((await s.result)._unsafeUnwrapErr().code).toBe('upstream_error');
    const events = await t.events();
    expect(events.map((e) => e.type)).toEqual(['InferenceFailed']);
    // What was delivered before the error counts in the failed record.
    expect(events[0]?.data).toMatchObject({ outputTokens: Math.ceil(text(chunks).length / 4) });
  });

  it('cancel after the first delta stops upstream and leaves one record of the cancel', async () => {
    const t = setup();
    t.gateway.hold();
    const s = t.stream(REQ);
    const it = s[Symbol.asyncIterator]();
    expect((await it.next()).value).toMatchObject({ type: 'start' });
    const first = (await it.next()).value as StreamChunk;
    s.cancel();
    expect((await s.result)._unsafeUnwrapErr().code).toBe('unavailable');
    const events = await t.events();
    expect(events).toHaveLength(1);
    const input = Math.ceil(REQ.input.length / 4);
    const output = Math.ceil((first.text ?? '').length / 4);
    expect(events[0]).toMatchObject({
      type: 'InferenceCancelled',
      data: {
        reason: 'client',
        streamed: true,
        ttftMs: 0,
        inputTokens: input,
        outputTokens: output,
        // $1/M in, $5/M out, in nano-USD.
        costNanos: input * 1000 + output * 5000,
        costEstimated: true,
        upstreamId: expect.stringMatching(/^gen-/),
      },
    });
    const rec = await t.store.get(events[0]!.data.callId);
    expect(rec).toMatchObject({ status: 'cancelled', costEstimated: true, streamed: true });
    // The reservation settled to the estimate from the text received, not the full reservation.
    expect(t.limiter.snapshot().tokensInWindow).toBe(input + output);
  });

  it('a stream still running when shutdown times out is cut: its iterator ends with unavailable, recorded cancelled (shutdown) once', async () => {
    const t = setup();
    t.gateway.hold();
    const s = t.stream(REQ);
    const it = s[Symbol.asyncIterator]();
    expect((await it.next()).value).toMatchObject({ type: 'start' });
    const first = (await it.next()).value as StreamChunk;
    const done = t.shutdown(3000);
    await new Promise((r) => setImmediate(r));
    // Within the timeout the stream is left alone.
    expect(t.gateway.received).toHaveLength(1);
    expect(await t.events()).toHaveLength(0);
    t.clock.advance(3000);
    expect(await it.next()).toEqual({ value: undefined, done: true });
    const error = (await s.result)._unsafeUnwrapErr();
    expect(error).toMatchObject({ code: 'unavailable', attempts: 1 });
    expect(error.detail).toMatch(/shutting down.*shutdown_timeout_ms/);
    expect(await done).toEqual({ inFlight: 1, aborted: 1, left: 0 });
    const events = await t.events();
    expect(events).toHaveLength(1);
    const input = Math.ceil(REQ.input.length / 4);
    const output = Math.ceil((first.text ?? '').length / 4);
    expect(events[0]).toMatchObject({
      type: 'InferenceCancelled',
      data: {
        reason: 'shutdown',
        errorCode: 'unavailable',
        streamed: true,
        inputTokens: input,
        outputTokens: output,
        costNanos: input * 1000 + output * 5000,
        costEstimated: true,
        upstreamId: expect.stringMatching(/^gen-/),
      },
    });
    const rec = await t.store.get(events[0]!.data.callId);
    expect(rec).toMatchObject({ status: 'cancelled', errorCode: 'unavailable', streamed: true });
    expect(rec?.errorMessage).toMatch(/^cancelled \(shutdown\): the service is shutting down/);
    expect(t.limiter.snapshot().tokensInWindow).toBe(input + output);
  });

  it('leaving a for-await early cancels the stream', async () => {
    const t = setup();
    t.gateway.hold();
    const s = t.stream(REQ);
    for await (const c of s) if (c.type === 'delta') break;
    expect((await s.result).isErr()).toBe(true);
    expect(await t.events()).toHaveLength(1);
  });

  it('an invalid request fails before anything is streamed or recorded', async () => {
    const t = setup();
    const s = t.stream({ ...REQ, level: 'nope' });
    expect(await drain(s)).toEqual([]);
    expect((await s.result)._unsafeUnwrapErr().code).toBe('invalid_request');
    expect(await t.events()).toHaveLength(0);
  });
});
