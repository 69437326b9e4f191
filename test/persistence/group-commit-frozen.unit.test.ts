import { succeeded } from '../contracts/fixtures';
import { groupCommitFixture as setup, settle } from './fake-database';

describe('GroupCommit: a slow or frozen database', () => {
  it('keeps taking new appends into the journal while a backlog retry hangs', async () => {
    const { db, clock, log, state } = setup();
    const [a, b, c] = [succeeded(), succeeded(), succeeded()];
    db.down = true;
    await log.append([a!]); // the outage starts: a waits in the backlog
    db.down = false;
    db.hold(); // the database now takes connections and never answers
    clock.advance(100);
    await settle();
    expect(db.batches).toEqual([[a!.eventId], [a!.eventId]]); // the retry is hanging

    const later = [state(log.append([b!])), state(log.append([c!]))];
    await settle();
    expect(later.map((s) => s.done)).toEqual([true, true]); // not held up by the retry
    expect(db.batches).toHaveLength(2); // and no doomed write of their own
    expect(log.health().backlog).toBe(3);

    db.release();
    await settle();
    expect(db.stored).toEqual([a, b, c].map((e) => e!.eventId)); // in order, each once
    expect(log.health()).toMatchObject({ backlog: 0, lastError: null });
  });

  it('gives a write that never returns up after writeTimeoutMs: the append is journaled', async () => {
    const { db, clock, log, state } = setup({ writeTimeoutMs: 2000 });
    db.hold();
    const first = state(log.append([succeeded()]));
    await settle();
    clock.advance(1999);
    await settle();
    expect(first.done).toBe(false);
    clock.advance(1);
    await settle();
    expect(first.done).toBe(true);
    expect(log.health().lastError).toBe('the database did not answer in time');
    const next = state(log.append([succeeded()]));
    await settle();
    expect(next.done).toBe(true); // straight to the journal, behind the backlog
    db.release();
    clock.advance(100);
    await settle();
    expect(log.health()).toMatchObject({ backlog: 0, lastError: null });
    expect(db.stored).toHaveLength(2);
  });
});
