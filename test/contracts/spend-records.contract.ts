import type { InferenceCancelled } from '../../src/domain';
import {
  freshSubjectEachTest,
  MIN,
  succeeded,
  T0,
  type EventStoreSubject,
  type SubjectFactory,
} from './fixtures';
import { cancelledOf, identifiedOf, interruptedOf, reconciledOf, started } from './spend-fixtures';

/** Extra reads a store offers for the spend contract: its open intents, oldest first. */
export type OpenIntents = (
  s: EventStoreSubject,
) => Promise<Array<{ callId: string; upstreamId: string | null }>>;

/**
 * Intents, cancelled and interrupted outcomes, and reconciliations, over one event store: an
 * intent makes no record and counts nothing; its outcome settles it; estimated costs count and
 * a reconciliation replaces them, in the record and in usage, exactly once.
 */
export const spendRecordsContract = (
  name: string,
  make: SubjectFactory,
  openIntents: OpenIntents,
): void => {
  const openIntentIds = async (s: EventStoreSubject) => (await openIntents(s)).map((i) => i.callId);
  describe(`spend records contract: ${name}`, () => {
    let s!: EventStoreSubject;
    freshSubjectEachTest(make, (subject) => (s = subject));

    it('an intent alone makes no record and counts nothing, but is open', async () => {
      const i = started();
      await s.log.append([i]);
      expect(await s.records.get(i.data.callId)).toBeUndefined();
      expect((await s.usage.usage({})).totalCalls).toBe(0);
      expect(await openIntentIds(s)).toEqual([i.data.callId]);
    });

    it('an outcome settles its intent, in a later batch or the same one', async () => {
      const a = started();
      const b = started();
      await s.log.append([a]);
      await s.log.append([succeeded({ callId: a.data.callId })]);
      await s.log.append([b, succeeded({ callId: b.data.callId })]);
      expect(await openIntentIds(s)).toEqual([]);
      expect((await s.usage.usage({})).succeededCalls).toBe(2);
    });

    it('an intent replayed after its outcome does not reopen it', async () => {
      const i = started();
      await s.log.append([succeeded({ callId: i.data.callId })]);
      await s.log.append([i]);
      expect(await openIntentIds(s)).toEqual([]);
    });

    it('cancelled: a record with the estimate, flagged, its error code; counted with its cost', async () => {
      const i = started({ estimatedCostNanos: 5_000_000, projectId: 'p1' });
      await s.log.append([i]);
      await s.log.append([cancelledOf(i)]);
      const r = await s.records.get(i.data.callId);
      expect(r).toMatchObject({
        status: 'cancelled',
        costNanos: 5_000_000,
        costEstimated: true,
        errorCode: 'unavailable',
        upstreamId: 'gen-cancelled',
        createdAt: i.occurredAt,
      });
      const u = await s.usage.usage({ projectId: 'p1' });
      expect(u).toMatchObject({
        totalCalls: 1,
        cancelledCalls: 1,
        interruptedCalls: 0,
        costUsd: 0.005,
      });
      expect(await openIntentIds(s)).toEqual([]);
    });

    it('interrupted: the estimate as cost, flagged; counted; listed by status', async () => {
      const i = started({ estimatedCostNanos: 7_000_000 });
      const other = started();
      await s.log.append([i, other]);
      await s.log.append([interruptedOf(i), cancelledOf(other)]);
      expect(await s.records.get(i.data.callId)).toMatchObject({
        status: 'interrupted',
        costNanos: 7_000_000,
        costEstimated: true,
        errorCode: null,
      });
      const u = await s.usage.usage({});
      expect(u).toMatchObject({ totalCalls: 2, interruptedCalls: 1, cancelledCalls: 1 });
      const page = await s.records.list({ limit: 10, status: 'interrupted' });
      expect(page.calls.map((c) => c.id)).toEqual([i.data.callId]);
      const cancelled = await s.records.list({ limit: 10, status: 'cancelled' });
      expect(cancelled.calls.map((c) => c.id)).toEqual([other.data.callId]);
    });

    it('a reconciliation replaces the estimate in the record and in usage, once', async () => {
      const i = started({ at: T0 + 5 * MIN, estimatedCostNanos: 9_000_000 });
      await s.log.append([i]);
      await s.log.append([interruptedOf(i)]);
      const before = await s.records.get(i.data.callId);
      const rec = reconciledOf(before!, { inputTokens: 40, outputTokens: 8, costNanos: 1_250 });
      await s.log.append([rec]);
      await s.log.append([rec]); // a retried append: idempotent by event id
      expect(await s.records.get(i.data.callId)).toMatchObject({
        status: 'interrupted',
        inputTokens: 40,
        outputTokens: 8,
        costNanos: 1_250,
        reportedCostNanos: 1_250,
        costEstimated: false,
        upstreamId: 'gen-reconciled',
      });
      // In the original call's minute, even though the reconciliation came a minute later.
      const u = await s.usage.usage({ since: T0 + 5 * MIN, until: T0 + 5 * MIN + 1 });
      expect(u).toMatchObject({
        totalCalls: 1,
        interruptedCalls: 1,
        inputTokens: 40,
        outputTokens: 8,
        costUsd: 0.00000125,
        reportedCostUsd: 0.00000125,
      });
    });

    it('a generation id learnt in flight is kept with its open intent, the latest winning; it counts nothing', async () => {
      const i = started();
      await s.log.append([i]);
      await s.log.append([identifiedOf(i, 'gen-1')]);
      expect(await openIntents(s)).toEqual([{ callId: i.data.callId, upstreamId: 'gen-1' }]);
      // A retry's new generation, twice in one batch: the later one wins.
      await s.log.append([identifiedOf(i, 'gen-2'), identifiedOf(i, 'gen-3')]);
      expect(await openIntents(s)).toEqual([{ callId: i.data.callId, upstreamId: 'gen-3' }]);
      expect(await s.records.get(i.data.callId)).toBeUndefined();
      expect((await s.usage.usage({})).totalCalls).toBe(0);
      await s.log.append([succeeded({ callId: i.data.callId })]);
      expect(await openIntents(s)).toEqual([]);
    });

    it('a generation id in the batch of its intent (a replay) opens it with the id; in the batch of its outcome, or after it, reopens nothing', async () => {
      const a = started();
      const b = started();
      const c = started();
      await s.log.append([a, identifiedOf(a, 'gen-a')]);
      await s.log.append([b, c]);
      await s.log.append([identifiedOf(b, 'gen-b'), cancelledOf(b)]);
      await s.log.append([succeeded({ callId: c.data.callId })]);
      await s.log.append([identifiedOf(c, 'gen-c')]);
      expect(await openIntents(s)).toEqual([{ callId: a.data.callId, upstreamId: 'gen-a' }]);
      expect((await s.usage.usage({})).totalCalls).toBe(2);
    });

    it('unreconciled: estimated records with a generation id, since a time, oldest first; reconciled ones leave', async () => {
      const old = started({ at: T0 });
      const a = started({ at: T0 + 2 * MIN });
      const b = started({ at: T0 + MIN });
      const known = started({ at: T0 + 3 * MIN });
      const noId = started({ at: T0 + 4 * MIN });
      await s.log.append([old, a, b, known, noId]);
      const knownCost = cancelledOf(known) as InferenceCancelled;
      await s.log.append([
        cancelledOf(old),
        cancelledOf(a),
        cancelledOf(b),
        { ...knownCost, data: { ...knownCost.data, costEstimated: false } },
        interruptedOf(noId),
      ]);
      const since = new Date(T0 + MIN).toISOString();
      const due = await s.records.unreconciled(since, 10);
      expect(due.map((r) => r.id)).toEqual([b.data.callId, a.data.callId]);
      expect((await s.records.unreconciled(since, 1)).map((r) => r.id)).toEqual([b.data.callId]);
      await s.log.append([
        reconciledOf(due[0]!, { inputTokens: 1, outputTokens: 1, costNanos: 1 }),
      ]);
      expect((await s.records.unreconciled(since, 10)).map((r) => r.id)).toEqual([a.data.callId]);
    });
  });
};
