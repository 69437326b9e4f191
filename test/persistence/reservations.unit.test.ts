import { succeeded } from '../contracts/fixtures';
import { cancelledOf, identifiedOf, started } from '../contracts/spend-fixtures';
import { groupCommitFixture as setup } from './fake-database';

describe('GroupCommit: backlog room reserved at intent time', () => {
  it('in an outage, refuses intents once the backlog and the reserved outcomes reach the limit', async () => {
    const { db, log } = setup({ maxBacklog: 5 });
    db.down = true;
    await log.append([succeeded()]); // the outage begins: one event backlogged
    const intents = [started(), started()];
    for (const i of intents) await log.append([i]); // 1 + 2 events + 2 reserved outcomes = 5
    await expect(log.append([started()])).rejects.toThrow(/backlog is full/);
    // The reserved outcomes are always taken, however full the backlog is.
    for (const i of intents) await log.append([cancelledOf(i)]);
    expect(log.health().backlog).toBe(5);
  });

  it('an outcome with a reservation is taken past twice the limit; one without is not', async () => {
    const { db, log } = setup({ maxBacklog: 2 });
    const i = started();
    await log.append([i]); // database up: committed, its outcome's room reserved
    db.down = true;
    await log.append([succeeded(), succeeded(), succeeded(), succeeded()]);
    await expect(log.append([succeeded()])).rejects.toThrow(/backlog is full/);
    await log.append([cancelledOf(i)]);
    expect(log.health()).toMatchObject({ backlog: 5, full: true });
  });

  it('with the database up, intents are not limited by the backlog size', async () => {
    const { log } = setup({ maxBacklog: 1 });
    for (let n = 0; n < 5; n++) await log.append([started()]);
    expect(log.health().backlog).toBe(0);
  });

  it('a generation id learnt in flight is not an outcome: it keeps the reservation and has none', async () => {
    const { db, log } = setup({ maxBacklog: 2 });
    const i = started();
    await log.append([i]);
    db.down = true;
    await log.append([identifiedOf(i, 'gen-1'), succeeded(), succeeded()]);
    // Past twice the limit, an id (unreserved) is refused, and the outcome still taken.
    await expect(log.append([identifiedOf(i, 'gen-2'), succeeded()])).rejects.toThrow(
      /backlog is full/,
    );
    await log.append([identifiedOf(i, 'gen-2')]); // 4 events: up to twice the limit
    await expect(log.append([identifiedOf(i, 'gen-3')])).rejects.toThrow(/backlog is full/);
    // The call's outcome still has its room.
    await log.append([cancelledOf(i)]);
    expect(log.health().backlog).toBe(5);
  });
});
