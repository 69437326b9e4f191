import { ManualClock } from '../../src/adapters/in-memory';
import { Backlog } from '../../src/adapters/persistence/backlog';
import { GroupCommit } from '../../src/adapters/persistence/group-commit';
import { succeeded } from '../contracts/fixtures';
import { FakeDatabase, RecordingSink, settle } from './fake-database';

const setup = (opts: { batchMax?: number; maxBacklog?: number } = {}) => {
  const db = new FakeDatabase();
  const clock = new ManualClock();
  const sink = new RecordingSink();
  const log = new GroupCommit(
    db.write,
    new Backlog(null),
    clock,
    {
      batchMax: opts.batchMax ?? 100,
      maxBacklog: opts.maxBacklog ?? 100,
      retryBaseMs: 100,
      retryMaxMs: 1000,
    },
    sink,
  );
  const state = (p: Promise<void>) => {
    const s = { done: false, failed: undefined as unknown };
    p.then(
      () => (s.done = true),
      (e: unknown) => (s.failed = e),
    );
    return s;
  };
  return { db, clock, sink, log, state };
};

describe('GroupCommit', () => {
  it('writes appends that arrive during a write together, as soon as it returns', async () => {
    const { db, log, state } = setup();
    const [a, b, c, d] = [succeeded(), succeeded(), succeeded(), succeeded()];
    db.hold();
    const first = state(log.append([a!]));
    await settle();
    const rest = [b, c, d].map((e) => state(log.append([e!])));
    await settle();
    expect(db.batches).toEqual([[a!.eventId]]);
    expect(first.done).toBe(false);
    db.releaseOne();
    await settle();
    expect(first.done).toBe(true);
    expect(db.batches[1]).toEqual([b, c, d].map((e) => e!.eventId));
    expect(rest.some((s) => s.done)).toBe(false);
    db.release();
    await settle();
    expect(rest.every((s) => s.done)).toBe(true);
    expect(log.health()).toEqual({ backlog: 0, lastError: null, full: false });
  });

  it('caps a batch at batchMax events, keeping appends whole', async () => {
    const { db, log } = setup({ batchMax: 3 });
    db.hold();
    const first = log.append([succeeded()]);
    await settle();
    const rest = [log.append([succeeded(), succeeded()]), log.append([succeeded(), succeeded()])];
    rest.push(log.append([succeeded()]));
    db.release();
    await Promise.all([first, ...rest]);
    expect(db.batches.map((b) => b.length)).toEqual([1, 2, 3]);
  });

  it('backlogs while the database is down, then writes the backlog in order with backoff', async () => {
    const { db, clock, sink, log } = setup();
    db.down = true;
    const events = [succeeded(), succeeded(), succeeded()];
    await log.append([events[0]!]);
    await log.append([events[1]!]);
    expect(db.batches).toHaveLength(1); // no second attempt until the retry is due
    expect(log.health()).toMatchObject({ backlog: 2, full: false });
    expect(log.health().lastError).toMatch(/ECONNREFUSED/);
    expect(sink.lines[0]).toMatchObject({
      level: 'warn',
      message: expect.stringMatching(/unreachable/),
    });
    clock.advance(100);
    await settle();
    expect(db.batches).toHaveLength(2); // retried after 100 ms, still down
    clock.advance(199);
    await settle();
    expect(db.batches).toHaveLength(2); // next wait is 200 ms
    db.down = false;
    await log.append([events[2]!]);
    clock.advance(1);
    await settle();
    expect(db.stored).toEqual(events.map((e) => e.eventId));
    expect(log.health()).toEqual({ backlog: 0, lastError: null, full: false });
    expect(sink.lines.at(-1)).toMatchObject({
      level: 'info',
      message: expect.stringMatching(/drained/),
    });
  });

  it('is full at maxBacklog and refuses appends past twice that', async () => {
    const { db, log } = setup({ maxBacklog: 2 });
    db.down = true;
    await log.append([succeeded()]);
    expect(log.health().full).toBe(false);
    await log.append([succeeded()]);
    expect(log.health().full).toBe(true);
    await log.append([succeeded(), succeeded()]); // calls already in flight still get recorded
    await expect(log.append([succeeded()])).rejects.toThrow(/backlog is full/);
  });

  it('fails only the append the database refuses, and writes the others', async () => {
    const { db, log, state } = setup();
    const [a, bad, b] = [succeeded(), succeeded(), succeeded()];
    db.refuse.add(bad!.eventId);
    db.hold();
    const first = log.append([succeeded()]);
    await settle();
    const s = [a, bad, b].map((e) => state(log.append([e!])));
    db.release();
    await first;
    await settle();
    expect(s.map((x) => x.done)).toEqual([true, false, true]);
    expect(s[1]!.failed).toMatchObject({ code: '22P02' });
    expect(db.stored).toEqual(expect.arrayContaining([a!.eventId, b!.eventId]));
    expect(db.stored).not.toContain(bad!.eventId);
  });

  it('drops a backlogged event the database refuses, loudly, and keeps the rest', async () => {
    const { db, clock, sink, log } = setup();
    const [a, bad, b] = [succeeded(), succeeded(), succeeded()];
    db.down = true;
    await log.append([a!, bad!, b!]);
    db.down = false;
    db.refuse.add(bad!.eventId);
    clock.advance(100);
    await settle();
    expect(db.stored).toEqual([a!.eventId, b!.eventId]);
    expect(log.health().backlog).toBe(0);
    expect(
      sink.lines.some((l) => l.level === 'error' && /refused a backlogged/.test(l.message)),
    ).toBe(true);
  });

  it('flushes on close when the database is back, and refuses appends after', async () => {
    const { db, log } = setup();
    db.down = true;
    const e = succeeded();
    await log.append([e]);
    db.down = false;
    await log.close(0);
    expect(db.stored).toEqual([e.eventId]);
    await expect(log.append([succeeded()])).rejects.toThrow(/closed/);
  });

  it('says how many events went unrecorded when the database stays down through close', async () => {
    const { db, sink, log } = setup();
    db.down = true;
    await log.append([succeeded(), succeeded()]);
    await log.close(0);
    expect(sink.lines.at(-1)).toMatchObject({
      level: 'error',
      message: expect.stringMatching(/2 events were not recorded/),
    });
  });
});
