import { randomUUID } from 'node:crypto';
import { decodeCursor, type CallRecord, type InferenceEvent } from '../../src/domain';
import type { CallsQuery } from '../../src/ports';
import {
  cached,
  failed,
  MIN,
  rateLimited,
  succeeded,
  T0,
  freshSubjectEachTest,
  type EventStoreSubject,
  type SubjectFactory,
} from './fixtures';

/** The CallRecords port's contract: newest first, (created_at, id) cursor paging, filters. */
export const callRecordsContract = (name: string, make: SubjectFactory): void => {
  describe(`CallRecords contract: ${name}`, () => {
    let s!: EventStoreSubject;
    freshSubjectEachTest(make, (subject) => (s = subject));

    const all = async (q: Omit<CallsQuery, 'before'>): Promise<CallRecord[]> => {
      const out: CallRecord[] = [];
      let before: CallsQuery['before'];
      for (let page = 0; page < 100; page++) {
        const { calls, nextCursor } = await s.records.list({ ...q, before });
        expect(calls.length).toBeLessThanOrEqual(q.limit);
        out.push(...calls);
        if (nextCursor === null) return out;
        before = decodeCursor(nextCursor);
        expect(before).toBeDefined();
      }
      throw new Error('paging did not end');
    };
    const newestFirst = (a: CallRecord, b: CallRecord) =>
      a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1;

    it('lists newest first, ties broken by id, each record exactly once across pages', async () => {
      // Three calls share each timestamp, so the cursor's id part matters.
      const events = Array.from({ length: 12 }, (_, i) =>
        succeeded({ at: T0 + Math.floor(i / 3) * MIN, callId: randomUUID() }),
      );
      await s.log.append(events);
      const listed = await all({ limit: 5 });
      expect(listed).toHaveLength(12);
      expect(listed).toEqual([...listed].sort(newestFirst));
      expect(new Set(listed.map((r) => r.id)).size).toBe(12);
    });

    it('answers a page exactly the size of the rest with no next cursor', async () => {
      await s.log.append([succeeded({ at: T0 }), succeeded({ at: T0 + MIN })]);
      const first = await s.records.list({ limit: 2 });
      expect(first.calls).toHaveLength(2);
      expect(first.nextCursor).toBeNull();
      expect((await s.records.list({ limit: 1 })).nextCursor).not.toBeNull();
    });

    it('filters by level, project and status, also while paging', async () => {
      const events = [
        succeeded({ at: T0, level: 'task', projectId: 'p-1' }),
        failed({ at: T0 + MIN, level: 'task', projectId: 'p-2' }),
        cached({ at: T0 + 2 * MIN, level: 'turn', projectId: 'p-1' }),
        rateLimited({ at: T0 + 3 * MIN, level: 'task', projectId: 'p-1' }),
        succeeded({ at: T0 + 4 * MIN, level: 'task', projectId: 'p-1' }),
      ];
      await s.log.append(events);
      const idsOf = (rs: CallRecord[]) => rs.map((r) => r.id);
      const by = (i: number) => events[i]!.data.callId;
      expect(idsOf(await all({ limit: 1, level: 'task', projectId: 'p-1' }))).toEqual([
        by(4),
        by(3),
        by(0),
      ]);
      expect(idsOf(await all({ limit: 2, status: 'failed' }))).toEqual([by(1)]);
      expect(idsOf(await all({ limit: 2, status: 'cached', level: 'task' }))).toEqual([]);
      expect(idsOf(await all({ limit: 10, status: 'rate_limited' }))).toEqual([by(3)]);
    });

    it('finds records by a project id holding a NUL character', async () => {
      const e = succeeded({ projectId: 'p\u0000x' });
      await s.log.append([e, succeeded({ projectId: 'p' })]);
      const page = await s.records.list({ limit: 10, projectId: 'p\u0000x' });
      expect(page.calls.map((r) => r.id)).toEqual([e.data.callId]);
    });

    it('keeps what an answer says beyond its text: tool calls, finish reason, token kinds', async () => {
      const toolCalls = [
        { id: 'c1', type: 'function' as const, function: { name: 'f', arguments: '{"a":1}' } },
      ];
      const rich = succeeded();
      const e = {
        ...rich,
        data: {
          ...rich.data,
          reasoningTokens: 7,
          cachedInputTokens: 40,
          toolCalls,
          finishReason: 'tool_calls',
        },
      } as InferenceEvent;
      const paid = failed();
      const f = {
        ...paid,
        data: {
          ...paid.data,
          errorCode: 'invalid_output',
          inputTokens: 9,
          outputTokens: 3,
          costNanos: 55,
        },
      } as InferenceEvent;
      const old = succeeded();
      await s.log.append([e, f, old]);
      expect(await s.records.get(e.data.callId)).toMatchObject({
        reasoningTokens: 7,
        cachedInputTokens: 40,
        toolCalls,
        finishReason: 'tool_calls',
      });
      expect(await s.records.get(f.data.callId)).toMatchObject({
        status: 'failed',
        inputTokens: 9,
        outputTokens: 3,
        costNanos: 55,
        toolCalls: null,
      });
      expect(await s.records.get(old.data.callId)).toMatchObject({
        reasoningTokens: 0,
        cachedInputTokens: 0,
        toolCalls: null,
        finishReason: null,
      });
    });

    it('gets a record by id, and nothing for an unknown id', async () => {
      const e = succeeded();
      await s.log.append([e]);
      expect((await s.records.get(e.data.callId))?.id).toBe(e.data.callId);
      expect(await s.records.get(randomUUID())).toBeUndefined();
    });
  });
};
