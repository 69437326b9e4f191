import { callRecordOf, type CallLogEvent } from '../../src/domain';
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

/** The CallLog port's contract: ordered, idempotent appends that apply both projections. */
export const callLogContract = (name: string, make: SubjectFactory): void => {
  describe(`CallLog contract: ${name}`, () => {
    let s!: EventStoreSubject;
    freshSubjectEachTest(make, (subject) => (s = subject));

    const ids = (events: readonly { event: CallLogEvent }[]) => events.map((e) => e.event.eventId);

    it('reads appended events back in order, with increasing positions', async () => {
      const events = [succeeded(), failed(), cached(), rateLimited()];
      await s.log.append(events.slice(0, 2));
      await s.log.append(events.slice(2));
      const read = await s.log.read(0, 10);
      expect(ids(read)).toEqual(events.map((e) => e.eventId));
      const positions = read.map((r) => r.position);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      expect(new Set(positions).size).toBe(4);
      expect(read[1]!.event).toEqual(events[1]);
    });

    it('pages through the log with read(after, limit)', async () => {
      const events = Array.from({ length: 7 }, (_, i) => succeeded({ at: T0 + i * MIN }));
      await s.log.append(events);
      const seen: string[] = [];
      let after = 0;
      for (let page = 0; page < 10; page++) {
        const read = await s.log.read(after, 3);
        if (read.length === 0) break;
        expect(read.length).toBeLessThanOrEqual(3);
        seen.push(...ids(read));
        after = read[read.length - 1]!.position;
      }
      expect(seen).toEqual(events.map((e) => e.eventId));
    });

    it('ignores an event id it has already seen, in the same batch or a later one', async () => {
      const e = succeeded({ costNanos: 7 });
      await s.log.append([e, e]);
      await s.log.append([e]);
      await Promise.all([s.log.append([e]), s.log.append([e])]);
      expect(ids(await s.log.read(0, 10))).toEqual([e.eventId]);
      const page = await s.records.list({ limit: 10 });
      expect(page.calls).toHaveLength(1);
      const usage = await s.usage.usage({});
      expect(usage.totalCalls).toBe(1);
      expect(usage.costUsd).toBe(0.000000007);
    });

    it('keeps every event of many concurrent appends, each exactly once', async () => {
      const events = Array.from({ length: 300 }, (_, i) => succeeded({ at: T0 + (i % 50) * MIN }));
      await Promise.all(events.map((e) => s.log.append([e])));
      const read = await s.log.read(0, 1000);
      expect(new Set(ids(read))).toEqual(new Set(events.map((e) => e.eventId)));
      expect(read).toHaveLength(300);
      expect((await s.usage.usage({})).totalCalls).toBe(300);
    });

    it('records each outcome exactly as callRecordOf describes it, money to the nano-USD', async () => {
      const events = [
        succeeded({ costNanos: 123_456_789, reportedCostNanos: 1, projectId: 'p-1' }),
        succeeded({ costNanos: 0, reportedCostNanos: null }),
        failed(),
        cached({ savedNanos: 999_999_999 }),
        rateLimited(),
      ];
      await s.log.append(events);
      for (const e of events) {
        expect(await s.records.get(e.data.callId)).toEqual(callRecordOf(e));
      }
    });

    it('resolves an empty append and reports a healthy writer', async () => {
      await s.log.append([]); // resolves: there is nothing to wait for
      await s.log.append([succeeded()]);
      expect(s.log.health()).toMatchObject({
        backlog: 0,
        lastError: null,
        full: false,
        journalError: null,
      });
    });

    it('refuses appends once closed, after keeping what it had accepted', async () => {
      const e = succeeded();
      const pending = s.log.append([e]);
      await s.log.close();
      await pending;
      await expect(s.log.append([succeeded()])).rejects.toThrow(/closed/);
      expect(ids(await s.log.read(0, 10))).toEqual([e.eventId]);
    });
  });
};
