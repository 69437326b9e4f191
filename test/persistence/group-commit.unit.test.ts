import { succeeded } from '../contracts/fixtures';
import { groupCommitFixture as setup, settle } from './fake-database';

describe('GroupCommit: batching', () => {
  it('with two lanes, writes a second batch while the first is in flight, and no third', async () => {
    const { db, log, state } = setup({ lanes: 2 });
    const [a, b, c, d] = [succeeded(), succeeded(), succeeded(), succeeded()];
    db.hold();
    const first = state(log.append([a!]));
    await settle();
    const second = state(log.append([b!]));
    await settle();
    expect(db.batches).toEqual([[a!.eventId], [b!.eventId]]); // both in flight
    const rest = [c, d].map((e) => state(log.append([e!])));
    await settle();
    expect(db.batches).toHaveLength(2); // both lanes busy: c and d wait together
    db.releaseOne();
    await settle();
    expect(first.done).toBe(true);
    expect(db.batches[2]).toEqual([c!.eventId, d!.eventId]);
    db.release();
    await settle();
    expect([second, ...rest].every((s) => s.done)).toBe(true);
    expect(log.health()).toMatchObject({ backlog: 0, lastError: null });
  });

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
    expect(log.health()).toEqual({
      backlog: 0,
      lastError: null,
      full: false,
      database: 'connected',
      journalError: null,
    });
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
});
