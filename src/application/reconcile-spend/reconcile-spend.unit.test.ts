import { randomUUID } from 'node:crypto';
import { InMemoryEventStore, InMemoryGateway, ManualClock } from '../../adapters/in-memory';
import { inferenceError, type InferenceEvent } from '../../domain';
import { makeReconcileSpend, type ReconcileRound } from './reconcile-spend';
import { reconciliationEventId } from './reconciliation';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const SETTINGS = {
  firstDelayMs: SECOND,
  maxDelayMs: MINUTE,
  giveUpAfterMs: 10 * MINUTE,
  scanEveryMs: 5 * SECOND,
};

/** A call recorded at an estimate: cancelled (or interrupted), with or without a generation id. */
const estimated = (
  at: number,
  o: {
    upstreamId?: string | null;
    costEstimated?: boolean;
    status?: 'cancelled' | 'interrupted';
    costNanos?: number;
  } = {},
): InferenceEvent => {
  const facts = {
    callId: randomUUID(),
    level: 'turn' as const,
    purpose: 'p',
    model: 'm/light',
    inputHash: 'ab'.repeat(32),
    projectId: 'p1',
    agentId: null,
    commandId: null,
    turnId: null,
    latencyMs: 0,
  };
  const upstreamId = o.upstreamId === undefined ? `gen-${facts.callId}` : o.upstreamId;
  const cost = o.costNanos ?? 500_000;
  const common = { eventId: randomUUID(), occurredAt: new Date(at).toISOString() };
  return o.status === 'interrupted'
    ? {
        type: 'InferenceInterrupted',
        ...common,
        data: {
          ...facts,
          costNanos: cost,
          costEstimated: o.costEstimated ?? true,
          upstreamId,
          ownerInstanceId: 'dead',
          settledBy: 'alive',
        },
      }
    : {
        type: 'InferenceCancelled',
        ...common,
        data: {
          ...facts,
          reason: 'client',
          errorCode: null,
          errorMessage: 'gone',
          inputTokens: 10,
          outputTokens: 3,
          costNanos: cost,
          costEstimated: o.costEstimated ?? true,
          reportedCostNanos: null,
          attempts: 1,
          upstreamId,
        },
      };
};

const setup = (store = new InMemoryEventStore(), clock = new ManualClock()) => {
  const gateway = new InMemoryGateway();
  const round = makeReconcileSpend({
    records: store,
    gateway,
    log: store,
    clock,
    settings: SETTINGS,
  });
  /** Runs rounds as the background loop would, until `done` holds or time is up. */
  const runUntil = async (done: (r: ReconcileRound) => boolean, limitMs = 20 * MINUTE) => {
    const rounds: Array<ReconcileRound & { at: number }> = [];
    const end = clock.now() + limitMs;
    for (;;) {
      const r = await round();
      rounds.push({ ...r, at: clock.now() });
      if (done(r) || clock.now() >= end) return rounds;
      clock.advance(Math.max(1, r.nextInMs));
    }
  };
  return { store, clock, gateway, round, runUntil };
};

const idOf = (e: InferenceEvent) => e.data.callId;
const upstreamOf = (e: InferenceEvent) =>
  e.type === 'InferenceCancelled' || e.type === 'InferenceInterrupted' ? e.data.upstreamId! : '';

describe('reconcile spend', () => {
  it('404, 404, then the figures: asked at once, after 1 s, after 2 s more; record and usage follow', async () => {
    const t = setup();
    const call = estimated(t.clock.now());
    await t.store.append([call]);
    const usageBefore = await t.store.usage({});
    t.gateway.generations.script(upstreamOf(call), 'not_ready', 'not_ready', {
      inputTokens: 40,
      outputTokens: 120,
      costNanos: 640_000,
    });
    const start = t.clock.now();
    const rounds = await t.runUntil((r) => r.reconciled.length > 0);
    expect(t.gateway.generations.asked).toEqual([
      upstreamOf(call),
      upstreamOf(call),
      upstreamOf(call),
    ]);
    expect(rounds.at(-1)!.at - start).toBe(3 * SECOND);
    expect(rounds.at(-1)!.reconciled).toEqual([idOf(call)]);
    expect(await t.store.get(idOf(call))).toMatchObject({
      status: 'cancelled',
      costEstimated: false,
      inputTokens: 40,
      outputTokens: 120,
      costNanos: 640_000,
      reportedCostNanos: 640_000,
      upstreamId: upstreamOf(call),
    });
    const usage = await t.store.usage({});
    expect(usageBefore).toMatchObject({ cancelledCalls: 1, costUsd: 0.0005, inputTokens: 10 });
    expect(usage).toMatchObject({
      totalCalls: 1,
      cancelledCalls: 1,
      costUsd: 0.00064,
      reportedCostUsd: 0.00064,
      inputTokens: 40,
      outputTokens: 120,
    });
    // Reconciled: never asked again.
    t.clock.advance(10 * MINUTE);
    await t.round();
    expect(t.gateway.generations.asked).toHaveLength(3);
  });

  it('backs off 1, 2, 4 … capped at a minute, and gives up 10 minutes after the call, once', async () => {
    const t = setup();
    const start = t.clock.now();
    const call = estimated(start, { status: 'interrupted' });
    await t.store.append([call]);
    const askedAt: number[] = [];
    const gateway = t.gateway;
    const lookup = gateway.generations.lookup.bind(gateway.generations);
    gateway.generations.lookup = (id) => {
      askedAt.push(t.clock.now() - start);
      return lookup(id);
    };
    const rounds = await t.runUntil((r) => r.gaveUp.length > 0);
    const gaps = askedAt.slice(1).map((a, i) => a - askedAt[i]!);
    expect(gaps.slice(0, 7)).toEqual([1, 2, 4, 8, 16, 32, 60].map((s) => s * SECOND));
    expect(gaps.every((g) => g <= MINUTE)).toBe(true);
    expect(askedAt.at(-1)!).toBeLessThan(10 * MINUTE);
    const last = rounds.at(-1)!;
    expect(last.at - start).toBeGreaterThanOrEqual(10 * MINUTE);
    expect(last.gaveUp).toEqual([{ callId: idOf(call), upstreamId: upstreamOf(call) }]);
    // Left at its estimate; never asked or reported again.
    expect(await t.store.get(idOf(call))).toMatchObject({
      costEstimated: true,
      costNanos: 500_000,
    });
    const asked = askedAt.length;
    const later = await t.runUntil(() => false, 30 * MINUTE);
    expect(later.flatMap((r) => r.gaveUp)).toEqual([]);
    expect(askedAt).toHaveLength(asked);
  });

  it('two instances reconciling one call append it once: the record and usage move once', async () => {
    const store = new InMemoryEventStore();
    const clock = new ManualClock();
    const a = setup(store, clock);
    const b = setup(store, clock);
    const call = estimated(clock.now(), { costNanos: 900_000 });
    await store.append([call]);
    const figures = { inputTokens: 7, outputTokens: 9, costNanos: 123_456 };
    a.gateway.generations.script(upstreamOf(call), figures);
    b.gateway.generations.script(upstreamOf(call), figures);
    // Both found it before either recorded anything: both append, with one event id.
    const [ra, rb] = await Promise.all([a.round(), b.round()]);
    expect(ra.reconciled).toEqual([idOf(call)]);
    expect(rb.reconciled).toEqual([idOf(call)]);
    const reconciliations = (await store.read(0, 100)).filter(
      (s) => s.event.type === 'InferenceReconciled',
    );
    expect(reconciliations.map((s) => s.event.eventId)).toEqual([
      reconciliationEventId(idOf(call)),
    ]);
    expect(await store.usage({})).toMatchObject({ costUsd: 0.000123456, inputTokens: 7 });
    expect(await store.get(idOf(call))).toMatchObject({ costNanos: 123_456, costEstimated: false });
  });

  it('finds its calls in the records, so a restart (a fresh reconciler) still reconciles them', async () => {
    const store = new InMemoryEventStore();
    const clock = new ManualClock();
    const call = estimated(clock.now(), { status: 'interrupted' });
    await store.append([call]);
    const before = setup(store, clock);
    before.gateway.generations.held = true;
    await before.round(); // asked once, not ready; then this instance "dies"
    clock.advance(30 * SECOND);
    const after = setup(store, clock);
    after.gateway.generations.script(upstreamOf(call), {
      inputTokens: 1,
      outputTokens: 2,
      costNanos: 3,
    });
    expect((await after.round()).reconciled).toEqual([idOf(call)]);
    expect(await store.get(idOf(call))).toMatchObject({ costNanos: 3, costEstimated: false });
  });

  it('leaves alone calls without a generation id, not estimated, or older than the give-up', async () => {
    const t = setup();
    const now = t.clock.now();
    await t.store.append([
      estimated(now, { upstreamId: null }),
      estimated(now, { costEstimated: false }),
      estimated(now - 11 * MINUTE),
    ]);
    const r = await t.round();
    expect(t.gateway.generations.asked).toEqual([]);
    expect(r).toMatchObject({ reconciled: [], gaveUp: [], waiting: 0 });
  });

  it('a failure to ask is reported and retried with the same backoff', async () => {
    const t = setup();
    const call = estimated(t.clock.now());
    await t.store.append([call]);
    t.gateway.generations.script(
      upstreamOf(call),
      inferenceError('unavailable', 'GET /generation failed: ECONNREFUSED'),
      { inputTokens: 1, outputTokens: 1, costNanos: 10 },
    );
    const first = await t.round();
    expect(first).toMatchObject({ failed: 1, waiting: 1, nextInMs: SECOND });
    expect(first.firstFailure).toContain('ECONNREFUSED');
    t.clock.advance(SECOND);
    expect((await t.round()).reconciled).toEqual([idOf(call)]);
  });

  it('a call recorded after the last search is found at the next one', async () => {
    const t = setup();
    expect((await t.round()).nextInMs).toBe(SETTINGS.scanEveryMs);
    const call = estimated(t.clock.now());
    await t.store.append([call]);
    t.gateway.generations.script(upstreamOf(call), {
      inputTokens: 1,
      outputTokens: 1,
      costNanos: 1,
    });
    t.clock.advance(SETTINGS.scanEveryMs - 1);
    expect((await t.round()).reconciled).toEqual([]);
    t.clock.advance(1);
    expect((await t.round()).reconciled).toEqual([idOf(call)]);
  });
});
