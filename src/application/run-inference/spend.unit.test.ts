import { runInferenceOver } from '../../../test/support/run-inference-setup';
import { InMemoryEventStore } from '../../adapters/in-memory';
import type { CallLogEvent } from '../../domain';
import { InFlightCalls } from './in-flight';
import { answerTo } from '../../adapters/in-memory/in-memory-gateway';

/** A store whose disk is gone: intents cannot be made durable. */
class RefusingIntents extends InMemoryEventStore {
  override append(events: readonly CallLogEvent[]): Promise<void> {
    if (events.some((e) => e.type === 'InferenceStarted')) {
      return Promise.reject(new Error('journal unwritable (ENOSPC)'));
    }
    return super.append(events);
  }
}

const setup = (o: { store?: InMemoryEventStore; callsPerMinute?: number } = {}) => {
  const inFlight = new InFlightCalls();
  let n = 0;
  const t = runInferenceOver(
    { models: { turn: 'm/light', task: 'm/light', project: 'm/light', objective: 'm/light' } },
    { 'm/light': { input: 1, output: 5 } },
    {
      store: o.store,
      limits: {
        callsPerMinute: o.callsPerMinute ?? 60,
        tokensPerMinute: 1_000_000,
        maxWaitMs: 60_000,
      },
      newId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
      instanceId: 'instance-1',
      inFlight,
    },
  );
  const shutdown = (timeoutMs: number) =>
    inFlight.shutdown(timeoutMs, (ms, fn) => t.clock.schedule(ms, fn));
  return { run: t.run, clock: t.clock, store: t.store, gateway: t.gateway, log: t.log, shutdown };
};

// 8 characters → 2 input tokens; 100 output tokens at most.
const REQ = { level: 'turn', purpose: 'p', input: 'abcdefgh', maxOutputTokens: 100 } as const;
const tick = () => new Promise((r) => setImmediate(r));

describe('no spend without a record', () => {
  it('the intent is durable before the request goes upstream, and the outcome closes it', async () => {
    const t = setup();
    t.gateway.hold();
    const pending = t.run(REQ);
    while (t.gateway.received.length === 0) await tick();
    const [intent] = await t.log();
    expect(intent).toMatchObject({
      type: 'InferenceStarted',
      data: {
        level: 'turn',
        model: 'm/light',
        instanceId: 'instance-1',
        // 2 × $1/M + 100 × $5/M
        estimatedCostNanos: 502_000,
      },
    });
    expect(t.store.openIntents()).toHaveLength(1);
    t.gateway.release();
    const r = await pending;
    expect(r.isOk()).toBe(true);
    expect(t.store.openIntents()).toHaveLength(0);
    expect((await t.log()).map((e) => e.type)).toEqual(['InferenceStarted', 'InferenceSucceeded']);
  });

  it('an intent that cannot be made durable: 503 unavailable, nothing sent upstream', async () => {
    const t = setup({ store: new RefusingIntents() });
    const r = await t.run(REQ);
    expect(r._unsafeUnwrapErr()).toMatchObject({ code: 'unavailable' });
    expect(r._unsafeUnwrapErr().detail).toMatch(/could not be made durable/);
    expect(t.gateway.received).toHaveLength(0);
    // The refusal itself is still recorded where the log can take it.
    expect((await t.log()).map((e) => e.type)).toEqual(['InferenceFailed']);
  });

  it('shutdown: limiter waiters get 503 and a record; calls still upstream at the timeout are cancelled', async () => {
    const t = setup({ callsPerMinute: 1 });
    t.gateway.hold();
    const upstream = t.run({ ...REQ, input: 'first call' });
    while (t.gateway.received.length === 0) await tick();
    const waiting = t.run({ ...REQ, input: 'second call' });
    await tick();
    const done = t.shutdown(3000);
    const refused = await waiting;
    expect(refused._unsafeUnwrapErr()).toMatchObject({ code: 'unavailable' });
    expect(refused._unsafeUnwrapErr().detail).toMatch(/rate-limit capacity/);
    t.clock.advance(3000);
    const cancelled = await upstream;
    expect(cancelled._unsafeUnwrapErr()).toMatchObject({ code: 'unavailable' });
    expect(await done).toEqual({ inFlight: 2, aborted: 1, left: 0 });
    const byStatus = (await t.store.list({ limit: 10 })).calls.map((c) => [
      c.status,
      c.costEstimated,
      c.errorCode,
    ]);
    expect(byStatus.sort()).toEqual([
      ['cancelled', true, 'unavailable'],
      ['failed', false, 'unavailable'],
    ]);
    const rec = (await t.store.list({ limit: 10, status: 'cancelled' })).calls[0];
    // 'first call': 3 input tokens × $1/M + 100 output × $5/M, the worst case.
    expect(rec?.costNanos).toBe(503_000);
    // Its generation id came with the headers: the estimate can be reconciled.
    expect(rec?.upstreamId).toBe(answerTo(t.gateway.received[0]!).upstreamId);
    expect(t.store.openIntents()).toEqual([]);
    expect(t.gateway.received).toHaveLength(1);
    // After shutdown, a new call is refused and recorded too.
    const late = await t.run(REQ);
    expect(late._unsafeUnwrapErr().detail).toMatch(/shutting down/);
    expect((await t.store.list({ limit: 10 })).calls).toHaveLength(3);
  });

  it('a call still upstream 200 ms after its generation id came has the id kept with its intent', async () => {
    const t = setup();
    t.gateway.hold();
    const pending = t.run({ ...REQ, input: 'slow call' });
    while (t.gateway.received.length === 0) await tick();
    const id = answerTo(t.gateway.received[0]!).upstreamId!;
    expect(t.store.openIntents()[0]?.upstreamId).toBeNull();
    t.clock.advance(199);
    expect((await t.log()).map((e) => e.type)).toEqual(['InferenceStarted']);
    t.clock.advance(1);
    await tick();
    expect((await t.log()).map((e) => e.type)).toEqual([
      'InferenceStarted',
      'InferenceUpstreamIdentified',
    ]);
    expect(t.store.openIntents()[0]?.upstreamId).toBe(id);
    t.gateway.release();
    expect((await pending).isOk()).toBe(true);
    expect(t.store.openIntents()).toEqual([]);
  });

  it('a call that ends within 200 ms of its generation id writes nothing extra', async () => {
    const t = setup();
    t.gateway.hold();
    const pending = t.run({ ...REQ, input: 'quick call' });
    while (t.gateway.received.length === 0) await tick();
    t.clock.advance(150);
    t.gateway.release();
    expect((await pending).isOk()).toBe(true);
    t.clock.advance(1000);
    await tick();
    expect((await t.log()).map((e) => e.type)).toEqual(['InferenceStarted', 'InferenceSucceeded']);
  });
});
