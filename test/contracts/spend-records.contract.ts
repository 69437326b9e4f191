import {
  freshSubjectEachTest,
  MIN,
  succeeded,
  T0,
  type EventStoreSubject,
  type SubjectFactory,
} from './fixtures';
import { cancelledOf, interruptedOf, reconciledOf, started } from './spend-fixtures';

/** Extra reads a store offers for the spend contract: the call ids of open intents. */
export type OpenIntentIds = (s: EventStoreSubject) => Promise<string[]>;

/**
 * Intents, cancelled and interrupted outcomes, and reconciliations, over one event store: an
 * intent makes no record and counts nothing; its outcome settles it; estimated costs count and
 * a reconciliation replaces them, in the record and in usage, exactly once.
 */
export const spendRecordsContract = (
  name: string,
  make: SubjectFactory,
  openIntentIds: OpenIntentIds,
): void => {
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
  });
};
