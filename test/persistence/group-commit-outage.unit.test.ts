import { succeeded } from '../contracts/fixtures';
import { groupCommitFixture as setup, settle } from './fake-database';

describe('GroupCommit: database unreachable', () => {
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
    expect(log.health()).toEqual({
      backlog: 0,
      lastError: null,
      full: false,
      database: 'connected',
      journalError: null,
    });
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
