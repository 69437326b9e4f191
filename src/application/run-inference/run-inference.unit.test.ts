import { fieldOf } from '../../../test/support/error-fields';
import { MODELS, runInferenceOver } from '../../../test/support/run-inference-setup';
import type { RunInferenceDeps } from './run-inference';
import { inferenceError } from '../../domain';

/** A use case over in-memory fakes and a manual clock. */
const setup = (over: Partial<RunInferenceDeps['settings']> = {}, limits = { callsPerMinute: 60 }) =>
  runInferenceOver(
    over,
    { 'm/light': { input: 1, output: 5 }, 'm/heavy': { input: 3, output: 15 } },
    { limits: { callsPerMinute: limits.callsPerMinute, tokensPerMinute: 1_000_000 } },
  );

const REQ = { level: 'turn', purpose: 'summarise', input: 'hello world, this is a turn' } as const;

describe('runInference', () => {
  it('misses the cache, calls upstream, records InferenceSucceeded with exact cost', async () => {
    const t = setup();
    t.gateway.enqueue({ inputTokens: 1000, outputTokens: 200, reportedCostUsd: 0.002 });
    const r = await t.run({ ...REQ, projectId: 'p1' });
    expect(r.isOk()).toBe(true);
    const v = r._unsafeUnwrap();
    // 1000 × $1/M + 200 × $5/M = $0.001 + $0.001
    expect(v).toMatchObject({ level: 'turn', model: 'm/light', cached: false, costUsd: 0.002 });
    expect(t.gateway.received).toHaveLength(1);
    const [e] = await t.events();
    expect(e?.type).toBe('InferenceSucceeded');
    expect(e?.data).toMatchObject({
      costNanos: 2_000_000,
      reportedCostNanos: 2_000_000,
      attempts: 1,
    });
    expect(t.published).toEqual(await t.events());
    const rec = await t.store.get(v.callId);
    expect(rec).toMatchObject({
      status: 'succeeded',
      projectId: 'p1',
      inputTokens: 1000,
      outputTokens: 200,
    });
    const usage = await t.store.usage({});
    expect(usage).toMatchObject({ totalCalls: 1, succeededCalls: 1, costUsd: 0.002 });
  });

  it('serves an identical request from the cache: cached, cost 0, original tokens, saving recorded', async () => {
    const t = setup();
    const first = (await t.run(REQ))._unsafeUnwrap();
    const second = (await t.run(REQ))._unsafeUnwrap();
    expect(t.gateway.received).toHaveLength(1);
    expect(second).toMatchObject({ cached: true, costUsd: 0, text: first.text });
    expect(second.inputTokens).toBe(first.inputTokens);
    expect(second.callId).not.toBe(first.callId);
    const evs = await t.events();
    expect(evs.map((e) => e.type)).toEqual(['InferenceSucceeded', 'InferenceServedFromCache']);
    expect(evs[1]?.data).toMatchObject({ sourceCallId: first.callId, coalesced: false });
    const usage = await t.store.usage({});
    expect(usage).toMatchObject({ totalCalls: 2, cachedCalls: 1, savedByCacheUsd: first.costUsd });
  });

  it('cache: false skips the read and calls upstream again', async () => {
    const t = setup();
    await t.run(REQ);
    const r = (await t.run({ ...REQ, cache: false }))._unsafeUnwrap();
    expect(r.cached).toBe(false);
    expect(t.gateway.received).toHaveLength(2);
  });

  it('a different temperature is a different cache entry', async () => {
    const t = setup();
    await t.run(REQ);
    expect((await t.run({ ...REQ, temperature: 0.5 }))._unsafeUnwrap().cached).toBe(false);
    expect(t.gateway.received).toHaveLength(2);
  });

  it('the cache entry expires after its TTL', async () => {
    const t = setup();
    await t.run(REQ);
    t.clock.advance(61_000);
    expect((await t.run(REQ))._unsafeUnwrap().cached).toBe(false);
  });

  it('rate limited: rejects with limit and retryAfterMs, records InferenceRateLimited, no upstream call', async () => {
    const t = setup({}, { callsPerMinute: 1 });
    await t.run(REQ);
    const r = await t.run({ ...REQ, input: 'another input' });
    expect(r._unsafeUnwrapErr()).toMatchObject({
      code: 'rate_limited',
      limit: 'calls_per_minute',
      retryAfterMs: 60_000,
    });
    expect(t.gateway.received).toHaveLength(1);
    const evs = await t.events();
    expect(evs[1]?.type).toBe('InferenceRateLimited');
    expect((await t.store.usage({})).rateLimitedCalls).toBe(1);
    t.clock.advance(60_000);
    expect((await t.run({ ...REQ, input: 'another input' })).isOk()).toBe(true);
  });

  it('retryable upstream failure (after retries): error returned, InferenceFailed with attempts, nothing cached', async () => {
    const t = setup();
    t.gateway.enqueue(
      inferenceError('upstream_error', 'HTTP 503 after 3 attempts', {
        attempts: 3,
        upstreamStatus: 503,
      }),
    );
    const r = await t.run(REQ);
    expect(r._unsafeUnwrapErr()).toMatchObject({ code: 'upstream_error', attempts: 3 });
    const [e] = await t.events();
    expect(e?.type).toBe('InferenceFailed');
    expect(e?.data).toMatchObject({
      errorCode: 'upstream_error',
      attempts: 3,
      upstreamStatus: 503,
    });
    const rec = await t.store.get(e!.data.callId);
    expect(rec).toMatchObject({ status: 'failed', resultText: null, attempts: 3 });
    expect(rec?.errorMessage).toContain('HTTP 503');
    // Failures are never cached: the next identical call goes upstream.
    expect((await t.run(REQ))._unsafeUnwrap().cached).toBe(false);
    expect(t.gateway.received).toHaveLength(2);
  });

  it('non-retryable upstream failure: one attempt recorded', async () => {
    const t = setup();
    t.gateway.enqueue(
      inferenceError('upstream_error', 'HTTP 400: bad model', { attempts: 1, upstreamStatus: 400 }),
    );
    const r = await t.run(REQ);
    expect(r._unsafeUnwrapErr()).toMatchObject({ code: 'upstream_error', upstreamStatus: 400 });
    expect((await t.store.usage({})).failedCalls).toBe(1);
    expect((await t.events())[0]?.data).toMatchObject({ attempts: 1 });
  });

  it('upstream timeout surfaces as upstream_timeout and is recorded', async () => {
    const t = setup();
    t.gateway.enqueue(
      inferenceError('upstream_timeout', 'every attempt timed out', { attempts: 3 }),
    );
    expect((await t.run(REQ))._unsafeUnwrapErr().code).toBe('upstream_timeout');
    expect((await t.events())[0]?.type).toBe('InferenceFailed');
  });

  it('degraded (no key): unavailable, recorded, no upstream call', async () => {
    const t = setup({ apiKeyConfigured: false });
    const r = await t.run(REQ);
    expect(r._unsafeUnwrapErr()).toMatchObject({ code: 'unavailable' });
    expect(t.gateway.received).toHaveLength(0);
    const [e] = await t.events();
    expect(e?.data).toMatchObject({ errorCode: 'unavailable', attempts: 0 });
  });

  it('invalid input: invalid_request naming the field, and no record', async () => {
    const t = setup();
    const r = await t.run({ ...REQ, level: 'galaxy' });
    expect(r._unsafeUnwrapErr()).toMatchObject({ code: 'invalid_request', field: 'level' });
    expect(await t.events()).toHaveLength(0);
    const long = await t.run({ ...REQ, input: 'x'.repeat(1001) });
    expect(fieldOf(long._unsafeUnwrapErr())).toBe('input');
    expect((await t.run('nope'))._unsafeUnwrapErr().code).toBe('invalid_request');
  });

  it('selects the model by level (FR5)', async () => {
    const t = setup();
    const r = (await t.run({ ...REQ, level: 'objective' }))._unsafeUnwrap();
    expect(r.model).toBe('m/heavy');
    expect(t.gateway.received[0]?.model).toBe('m/heavy');
  });

  it('coalesces identical concurrent requests into one upstream call, every one recorded', async () => {
    const t = setup();
    t.gateway.hold();
    const all = Promise.all(Array.from({ length: 20 }, () => t.run(REQ)));
    await new Promise((r) => setImmediate(r));
    t.gateway.release();
    const results = await all;
    expect(results.every((r) => r.isOk())).toBe(true);
    expect(t.gateway.received).toHaveLength(1);
    const evs = await t.events();
    expect(evs).toHaveLength(20);
    expect(evs.filter((e) => e.type === 'InferenceServedFromCache')).toHaveLength(19);
    expect((await t.store.usage({})).totalCalls).toBe(20);
  });

  it('refuses with unavailable and no record when the call log cannot take more', async () => {
    const t = setup();
    t.store.health = () => ({
      backlog: 10,
      lastError: 'db down',
      full: true,
      database: 'unreachable',
      journalError: null,
    });
    const r = await t.run(REQ);
    expect(r._unsafeUnwrapErr().code).toBe('unavailable');
    expect(t.gateway.received).toHaveLength(0);
  });

  it('an unpriced model costs 0 and is flagged in the record', async () => {
    const t = setup({ models: { ...MODELS, turn: 'm/unknown' } });
    const r = (await t.run(REQ))._unsafeUnwrap();
    expect(r.costUsd).toBe(0);
    expect((await t.store.get(r.callId))?.errorMessage).toContain('no price known');
  });

  it('followers of a leader whose port throws still get an answer instead of hanging', async () => {
    const t = setup();
    t.gateway.hold();
    const broken = t.gateway.complete.bind(t.gateway);
    t.gateway.complete = (req) => {
      void broken(req);
      throw new Error('gateway bug');
    };
    const leader = t.run(REQ);
    const follower = t.run(REQ);
    await expect(Promise.resolve(leader)).rejects.toThrow('gateway bug');
    expect((await follower)._unsafeUnwrapErr().code).toBe('unavailable');
    expect((await t.events()).map((e) => e.type)).toEqual(['InferenceFailed']);
  });
});
