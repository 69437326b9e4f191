import { createInferenceService, type InferenceEvent } from '../../src';
import { InMemoryGateway } from '../../src/adapters/in-memory';
import { inferenceError, type PromptRequest } from '../../src/domain';

const build = async (openrouter: Record<string, unknown> = {}, gateway = new InMemoryGateway()) => {
  const svc = await createInferenceService({
    config: { openrouter: { api_key: 'sk-or-test', ...openrouter } },
    env: {},
    memory: true,
    gateway,
    background: false,
  });
  const served: InferenceEvent[] = [];
  svc.events.on('InferenceServedFromCache', (e) => served.push(e));
  return { svc, gateway, served };
};
const turn = (input: string, extra: Partial<PromptRequest> = {}): PromptRequest => ({
  level: 'turn',
  purpose: 'summarise turn',
  input,
  ...extra,
});
/** Lets every request started so far run up to where it waits (upstream or a leader). */
const settle = () => new Promise((r) => setImmediate(r));
/** Statuses of every call record, sorted (records made in one millisecond have no order). */
const statuses = async (svc: Awaited<ReturnType<typeof build>>['svc']) =>
  (await svc.calls({ limit: 100 }))
    ._unsafeUnwrap()
    .calls.map((c) => c.status)
    .sort();

describe('caching and coalescing through the service', () => {
  it('20 identical concurrent requests: one upstream call, 20 answers, 20 records', async () => {
    const { svc, gateway, served } = await build();
    gateway.hold();
    const pending = Array.from({ length: 20 }, () => svc.infer(turn('same question')));
    await settle();
    gateway.release();
    const results = (await Promise.all(pending)).map((r) => r._unsafeUnwrap());
    expect(gateway.received).toHaveLength(1);
    expect(new Set(results.map((r) => r.text)).size).toBe(1);
    expect(results.filter((r) => r.cached)).toHaveLength(19);
    expect(results.filter((r) => r.costUsd > 0)).toHaveLength(1);
    const rows = await statuses(svc);
    expect(rows.filter((s) => s === 'cached')).toHaveLength(19);
    expect(rows.filter((s) => s === 'succeeded')).toHaveLength(1);
    expect(served.every((e) => e.type === 'InferenceServedFromCache' && e.data.coalesced)).toBe(
      true,
    );
    const usage = (await svc.usage())._unsafeUnwrap();
    expect(usage.savedByCacheUsd).toBeCloseTo(usage.costUsd * 19, 9);
    // Only the leader took rate-limit capacity: followers spend nothing upstream.
    expect((await svc.status()).rateLimits.callsInWindow).toBe(1);
    await svc.close();
  });

  it('records a hit as its own call: cached, cost 0, with the cost it saved', async () => {
    const { svc, gateway, served } = await build();
    const first = (await svc.infer(turn('q')))._unsafeUnwrap();
    const hit = (await svc.infer(turn('q')))._unsafeUnwrap();
    expect(gateway.received).toHaveLength(1);
    expect(hit).toMatchObject({ cached: true, costUsd: 0, text: first.text });
    expect([hit.inputTokens, hit.outputTokens]).toEqual([first.inputTokens, first.outputTokens]);
    expect(served[0]?.type === 'InferenceServedFromCache' && served[0].data).toMatchObject({
      coalesced: false,
      sourceCallId: first.callId,
    });
    expect((await svc.usage())._unsafeUnwrap().savedByCacheUsd).toBe(first.costUsd);
    expect((await svc.status()).cache).toMatchObject({ entries: 1, hits: 1, misses: 1 });
    await svc.close();
  });

  it('never caches a failure, for the caller or for those who joined it', async () => {
    const { svc, gateway } = await build();
    gateway.enqueue(inferenceError('upstream_error', 'upstream answered 500', { attempts: 3 }));
    gateway.hold();
    const pending = [svc.infer(turn('q')), svc.infer(turn('q'))];
    await settle();
    gateway.release();
    const codes = (await Promise.all(pending)).map((r) => r._unsafeUnwrapErr().code);
    expect(codes).toEqual(['upstream_error', 'upstream_error']);
    const retry = (await svc.infer(turn('q')))._unsafeUnwrap();
    expect(retry.cached).toBe(false);
    expect(gateway.received).toHaveLength(2);
    expect(await statuses(svc)).toEqual(['failed', 'failed', 'succeeded']);
    await svc.close();
  });

  it('cache: false skips the read (and does not join a call in flight)', async () => {
    const { svc, gateway } = await build();
    await svc.infer(turn('q'));
    const fresh = (await svc.infer(turn('q', { cache: false })))._unsafeUnwrap();
    expect(fresh.cached).toBe(false);
    expect(gateway.received).toHaveLength(2);
    gateway.hold();
    const both = [svc.infer(turn('r')), svc.infer(turn('r', { cache: false }))];
    await settle();
    gateway.release();
    await Promise.all(both);
    expect(gateway.received).toHaveLength(4);
    await svc.close();
  });

  it('keys entries by model, system, input, maxOutputTokens and temperature', async () => {
    const { svc, gateway } = await build();
    const variants = [
      turn('q'),
      turn('q', { level: 'project' }),
      turn('q', { system: 'be brief' }),
      turn('q', { maxOutputTokens: 64 }),
      turn('q', { temperature: 0 }),
      turn('q', { temperature: 0.7 }),
      turn('q ', {}),
    ];
    for (const v of variants) expect((await svc.infer(v))._unsafeUnwrap().cached).toBe(false);
    for (const v of variants) expect((await svc.infer(v))._unsafeUnwrap().cached).toBe(true);
    expect(gateway.received).toHaveLength(variants.length);
    // The level picks the model; the key holds the model, so levels on one model share entries.
    expect((await svc.infer(turn('q', { level: 'task' })))._unsafeUnwrap().cached).toBe(true);
    await svc.close();
  });

  it('takes no rate-limit capacity for hits; a new request is then refused at the limit', async () => {
    const { svc } = await build({ rate_limits: { calls_per_minute: 1, max_wait_ms: 0 } });
    await svc.infer(turn('q'));
    expect((await svc.infer(turn('q')))._unsafeUnwrap().cached).toBe(true);
    const refused = (await svc.infer(turn('other')))._unsafeUnwrapErr();
    expect(refused).toMatchObject({ code: 'rate_limited', limit: 'calls_per_minute' });
    expect(refused.code === 'rate_limited' && refused.retryAfterMs).toBeGreaterThan(0);
    expect(await statuses(svc)).toEqual(['cached', 'rate_limited', 'succeeded']);
    await svc.close();
  });

  it('with the cache disabled, neither reads, stores nor coalesces', async () => {
    const { svc, gateway } = await build({ cache: { enabled: false } });
    gateway.hold();
    const both = [svc.infer(turn('q')), svc.infer(turn('q'))];
    await settle();
    gateway.release();
    await Promise.all(both);
    expect((await svc.infer(turn('q')))._unsafeUnwrap().cached).toBe(false);
    expect(gateway.received).toHaveLength(3);
    await svc.close();
  });
});
