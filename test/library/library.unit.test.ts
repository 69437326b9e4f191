import { createInferenceService, type InferenceEvent } from '../../src';
import { InMemoryGateway } from '../../src/adapters/in-memory';

/** The in-process API of CONTRACT §5, over the in-memory adapters. */
describe('createInferenceService (library API)', () => {
  const build = (apiKey = 'sk-or-test-secret', gateway = new InMemoryGateway()) =>
    createInferenceService({
      config: { openrouter: { api_key: apiKey } },
      env: {},
      memory: true,
      gateway,
      background: false,
    });

  it('infers, publishes typed events after recording, reports status and usage, closes', async () => {
    const svc = await build();
    const seen: InferenceEvent[] = [];
    svc.events.on('InferenceSucceeded', (e) => seen.push(e));
    const r = await svc.infer({ level: 'turn', purpose: 'summarise turn', input: 'hello' });
    expect(
      r.match(
        (ok) => ok.model,
        (e) => e.code,
      ),
    ).toBe('anthropic/claude-haiku-4.5');
    expect(seen).toHaveLength(1);
    expect(seen[0]?.data.callId).toBe(r._unsafeUnwrap().callId);

    const status = await svc.status();
    expect(status).toMatchObject({ enabled: true, degradedReason: null, circuitBreaker: 'closed' });
    expect(status.openrouter.apiKeyConfigured).toBe(true);
    expect(status.openrouter.reachable).toBeNull();
    expect(JSON.stringify(status)).not.toContain('sk-or-test-secret');

    const usage = (await svc.usage({ since: '2000-01-01' }))._unsafeUnwrap();
    expect(usage.totalCalls).toBe(1);
    expect(usage.byLevel.turn?.calls).toBe(1);
    const series = (await svc.usageSeries({ grain: 'minute', groupBy: 'level' }))._unsafeUnwrap();
    expect(series.series.map((x) => x.key)).toEqual(['turn']);
    expect(series.series[0]!.points.reduce((a, p) => a + p.calls, 0)).toBe(1);
    expect((await svc.usageSeries({ grain: 'year' }))._unsafeUnwrapErr().detail).toMatch(/^grain:/);
    const page = (await svc.calls({ limit: 10 }))._unsafeUnwrap();
    expect(page.calls[0]?.id).toBe(r._unsafeUnwrap().callId);

    await svc.checkHealth();
    expect((await svc.status()).openrouter.reachable).toBe(true);
    await svc.close();
    expect((await svc.infer({ level: 'turn', purpose: 'p', input: 'after close' })).isErr()).toBe(
      true,
    );
  });

  it('runs degraded without a key: status says why, calls answer unavailable', async () => {
    const svc = await build('');
    const status = await svc.status();
    expect(status.enabled).toBe(false);
    expect(status.degradedReason).toMatch(/no OpenRouter API key/);
    const r = await svc.infer({ level: 'task', purpose: 'p', input: 'x' });
    expect(r._unsafeUnwrapErr().code).toBe('unavailable');
    expect((await svc.usage())._unsafeUnwrap().failedCalls).toBe(1);
    await svc.close();
  });

  it('rejects bad usage parameters naming the parameter', async () => {
    const svc = await build();
    expect((await svc.usage({ since: 'yesterday' }))._unsafeUnwrapErr()).toMatchObject({
      code: 'invalid_request',
      field: 'since',
    });
    expect((await svc.usage({ level: 'galaxy' }))._unsafeUnwrapErr().field).toBe('level');
    expect((await svc.calls({ before: 'garbage' }))._unsafeUnwrapErr().field).toBe('before');
    expect((await svc.usage({ projectId: 'a\u0000b' }))._unsafeUnwrapErr().field).toBe('projectId');
    expect((await svc.calls({ projectId: 'x'.repeat(129) }))._unsafeUnwrapErr().field).toBe(
      'projectId',
    );
    const bad = await svc.infer({ level: 'turn', purpose: 'p', input: 'i', agentId: 'a\u0000' });
    expect(bad._unsafeUnwrapErr()).toMatchObject({ code: 'invalid_request', field: 'agentId' });
    await svc.close();
  });

  it('refuses to start on invalid configuration, naming the key', async () => {
    await expect(
      createInferenceService({ config: { server: { port: 'x' } }, env: {}, memory: true }),
    ).rejects.toThrow('server.port must be an integer from 0 to 65535, got "x"');
  });
});
