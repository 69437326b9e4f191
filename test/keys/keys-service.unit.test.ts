import { createInferenceService, type InferenceService } from '../../src';
import { InMemoryGateway, ManualClock } from '../../src/adapters/in-memory';
import type { Consumer } from '../../src/domain';

/** Consumer keys through the in-process service, over the in-memory adapters. */
describe('consumer keys in the service', () => {
  const clock = new ManualClock(Date.parse('2026-12-08T12:00:00Z'));
  const gateway = new InMemoryGateway();
  let svc: InferenceService;

  beforeAll(async () => {
    svc = await createInferenceService({
      config: {
        openrouter: { api_key: 'sk-or-keys', cache: { enabled: false } },
        budgets: [{ name: 'global-day', period: 'day', limit_usd: 100 }],
      },
      env: {},
      memory: true,
      gateway,
      background: false,
      clock,
    });
  });
  afterAll(() => svc.close());

  const issue = async (body: Record<string, unknown>) => {
    const r = (await svc.keys.issue({ name: 'k', scopes: ['infer'], ...body }))._unsafeUnwrap();
    const checked = svc.keyring.verify(r.key);
    if (!checked.ok) throw new Error('a key just issued does not verify');
    return { ...r, consumer: checked.consumer };
  };
  const call = (consumer: Consumer, extra: Record<string, unknown> = {}) =>
    svc.infer(
      {
        level: 'turn',
        purpose: 'keys',
        input: 'x'.repeat(400),
        maxOutputTokens: 1000,
        ...extra,
      } as never,
      undefined,
      consumer,
    );

  it('issues hsk_<id>_<secret>, keeps only its hash, shows it once', async () => {
    const r = await issue({ name: 'module-a' });
    expect(r.key).toMatch(/^hsk_[a-z0-9]{12}_[A-Za-z0-9]{32}$/);
    expect(r.key.slice(4, 16)).toBe(r.view.id);
    const listed = (await svc.keys.list())._unsafeUnwrap();
    expect(JSON.stringify(listed)).not.toContain(r.key.slice(17));
    expect(JSON.stringify(listed)).not.toMatch(/hash/i);
  });

  it('refuses bodies naming the field at fault', async () => {
    const bad = async (body: unknown) =>
      (await svc.keys.issue(body))._unsafeUnwrapErr() as { code: string; detail: string };
    expect((await bad({ scopes: ['infer'] })).detail).toMatch(/^name:/);
    expect((await bad({ name: 'x', scopes: ['write'] })).detail).toMatch(/^scopes\.0:/);
    expect((await bad({ name: 'x', scopes: [] })).detail).toMatch(/^scopes:/);
    expect((await bad({ name: 'x', scopes: ['infer'], colour: 1 })).detail).toMatch(
      /^colour: unknown field/,
    );
    expect(
      (await bad({ name: 'x', scopes: ['infer'], budgets: [{ period: 'year', limitUsd: 1 }] }))
        .detail,
    ).toMatch(/^budgets\.0\.period:/);
    expect(
      (await bad({ name: 'x', scopes: ['infer'], expiresAt: '2020-01-01T00:00:00Z' })).detail,
    ).toMatch(/^expiresAt: must be in the future/);
    expect(
      (await svc.keys.rotate('zzzzzzzzzzzz', { overlapSeconds: 604_801 }))._unsafeUnwrapErr(),
    ).toMatchObject({
      code: 'invalid_request',
      field: 'overlapSeconds',
    });
    expect((await svc.keys.rotate('zzzzzzzzzzzz', {}))._unsafeUnwrapErr().code).toBe('not_found');
  });

  it("admits exactly what fits the key's own budget, names it, and lists it in status", async () => {
    // Each call's worst case: 100 input tokens at $1/M + 1000 output at $5/M = $0.0051.
    const { consumer, view } = await issue({ budgets: [{ period: 'day', limitUsd: 0.0153 }] });
    gateway.hold();
    const calls = Array.from({ length: 9 }, () => call(consumer));
    await new Promise((r) => setImmediate(r));
    gateway.release();
    const results = await Promise.all(calls);
    expect(results.filter((r) => r.isOk())).toHaveLength(3);
    const refused = results.filter((r) => r.isErr()).map((r) => r._unsafeUnwrapErr());
    expect(refused).toHaveLength(6);
    for (const e of refused) {
      expect(e).toMatchObject({ code: 'budget_exceeded', budget: `key:${view.id}:day` });
      expect(e.detail).toContain(`key ${view.id}'s own budget`);
    }
    const status = await svc.status();
    const own = status.budgets.find((b) => b.keyId === view.id);
    expect(own).toMatchObject({ name: `key:${view.id}:day`, period: 'day', limitUsd: 0.0153 });
    expect(status.budgets.find((b) => b.name === 'global-day')).toMatchObject({ keyId: null });
  });

  it('refuses a level or a model outside the key’s lists, 403 naming it, without a record', async () => {
    const { consumer } = await issue({ levels: ['task'], models: ['anthropic/claude-haiku-4.5'] });
    const before = (await svc.calls({ limit: 500 }))._unsafeUnwrap().calls.length;
    const e = (await call(consumer))._unsafeUnwrapErr();
    expect(e).toMatchObject({ code: 'forbidden' });
    expect(e.detail).toMatch(/^level: .*"turn"/);
    const m = (await call(consumer, { level: 'objective' }))._unsafeUnwrapErr();
    expect(m).toMatchObject({ code: 'forbidden' });
    expect(
      (await call({ ...consumer, levels: null }, { level: 'objective' }))._unsafeUnwrapErr().detail,
    ).toMatch(/^model: .*"anthropic\/claude-sonnet-4.5"/);
    expect((await call(consumer, { level: 'task' })).isOk()).toBe(true);
    expect((await svc.calls({ limit: 500 }))._unsafeUnwrap().calls.length).toBe(before + 1);
  });

  it("applies the key's own calls per minute on top of the global limit, naming the key's limit", async () => {
    const { consumer, view } = await issue({ limits: { callsPerMinute: 2 } });
    expect((await call(consumer)).isOk()).toBe(true);
    expect((await call(consumer)).isOk()).toBe(true);
    const e = (await call(consumer))._unsafeUnwrapErr();
    expect(e).toMatchObject({ code: 'rate_limited', limit: 'calls_per_minute' });
    expect(e.detail).toContain(`key ${view.id}`);
    // Another key and the token are not held back by this key's limit.
    expect((await call((await issue({})).consumer)).isOk()).toBe(true);
    expect((await svc.infer({ level: 'turn', purpose: 'p', input: 'no key' })).isOk()).toBe(true);
  });

  it('records key_id on every call and answers usage, series and calls by key', async () => {
    const { consumer, view } = await issue({});
    expect((await call(consumer)).isOk()).toBe(true);
    expect((await call(consumer)).isOk()).toBe(true);
    const page = (await svc.calls({ keyId: view.id, limit: 50 }))._unsafeUnwrap();
    expect(page.calls).toHaveLength(2);
    expect(page.calls.every((c) => c.keyId === view.id)).toBe(true);
    const usage = (await svc.usage({ keyId: view.id, groupBy: 'key' }))._unsafeUnwrap();
    expect(usage.totalCalls).toBe(2);
    expect(Object.keys(usage.byKey ?? {})).toEqual([view.id]);
    const all = (await svc.usage({ groupBy: 'key' }))._unsafeUnwrap();
    expect(all.byKey?.['']?.calls).toBeGreaterThan(0);
    expect(all.byKey?.[view.id]?.calls).toBe(2);
    const series = (
      await svc.usageSeries({
        groupBy: 'key',
        grain: 'hour',
        since: '2026-12-08T00:00:00Z',
        until: '2026-12-09T00:00:00Z',
      })
    )._unsafeUnwrap();
    expect(series.series.map((s) => s.key)).toContain(view.id);
    expect(series.series.map((s) => s.key)).toContain(null);
    expect((await svc.usage({ groupBy: 'model' }))._unsafeUnwrapErr().detail).toMatch(/^groupBy:/);
    expect((await svc.usage({ keyId: 'NOT A KEY' }))._unsafeUnwrapErr().detail).toMatch(/^keyId:/);
  });

  it('rotation keeps the id, so usage and budget; the old secret works only for the overlap', async () => {
    const { key: old, view } = await issue({ budgets: [{ period: 'day', limitUsd: 1 }] });
    const checkedOld = svc.keyring.verify(old);
    if (!checkedOld.ok) throw new Error('not ok');
    expect((await call(checkedOld.consumer)).isOk()).toBe(true);
    const rotated = (await svc.keys.rotate(view.id, { overlapSeconds: 10 }))._unsafeUnwrap();
    expect(rotated.id).toBe(view.id);
    expect(rotated.key).not.toBe(old);
    expect(svc.keyring.verify(old).ok).toBe(true);
    const fresh = svc.keyring.verify(rotated.key);
    if (!fresh.ok) throw new Error('the new key does not verify');
    expect(fresh.consumer.keyId).toBe(view.id);
    expect((await call(fresh.consumer)).isOk()).toBe(true);
    clock.advance(10_000);
    expect(svc.keyring.verify(old)).toEqual({ ok: false, reason: 'rotated' });
    expect(svc.keyring.verify(rotated.key).ok).toBe(true);
    const usage = (await svc.usage({ keyId: view.id }))._unsafeUnwrap();
    expect(usage.totalCalls).toBe(2);
    const own = (await svc.status()).budgets.find((b) => b.keyId === view.id);
    expect(own?.spentUsd).toBeGreaterThan(0);
    // Both secrets' calls count against the one budget, settled as usage counts them.
    const settled = usage.reportedCostUsd > 0 ? usage.reportedCostUsd : usage.costUsd;
    expect(own?.spentUsd).toBeCloseTo(settled, 9);
  });

  it('refuses revoked and expired keys and unknown ids, and revoking twice is one event', async () => {
    const { key, view } = await issue({ expiresAt: new Date(clock.now() + 5_000).toISOString() });
    expect(svc.keyring.verify(key).ok).toBe(true);
    clock.advance(5_000);
    expect(svc.keyring.verify(key)).toEqual({ ok: false, reason: 'expired' });
    const other = await issue({});
    (await svc.keys.revoke(other.view.id))._unsafeUnwrap();
    (await svc.keys.revoke(other.view.id))._unsafeUnwrap();
    expect(svc.keyring.verify(other.key)).toEqual({ ok: false, reason: 'revoked' });
    expect(svc.keyring.verify(`${other.key.slice(0, -1)}x`)).toEqual({
      ok: false,
      reason: 'unknown',
    });
    expect(svc.keyring.verify('hsk_zzzzzzzzzzzz_abcdefghijklmnopqrstuvwxyzABCDEF')).toEqual({
      ok: false,
      reason: 'unknown',
    });
    const listed = (await svc.keys.get(other.view.id))._unsafeUnwrap();
    expect(listed.revokedAt).not.toBeNull();
    void view;
  });
});
