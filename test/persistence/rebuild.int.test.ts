import type { Knex } from 'knex';
import {
  KnexCallLog,
  KnexUsageReadModel,
  rebuildProjections,
  type LogSink,
  type RebuildProgress,
} from '../../src/adapters/persistence';
import { GRAINS } from '../../src/adapters/persistence/read-models/usage-ranges';
import { SystemClock } from '../../src/adapters/system/system-clock';
import { expectedUsage } from '../contracts/usage-read-model.contract';
import { cached, DAY, failed, HOUR, MIN, rateLimited, succeeded, T0 } from '../contracts/fixtures';
import { projectUsage } from '../support/project-usage';
import { useTestDatabase } from '../support/test-database';

const silent: LogSink = { info: () => {}, warn: () => {}, error: () => {} };

/** Every projection row, in a stable order. */
const snapshot = async (knex: Knex) => ({
  calls: (await knex.raw('SELECT * FROM inference_calls ORDER BY id')).rows,
  usage: await Promise.all(
    GRAINS.map((g) => g.table).map(
      async (t) =>
        (await knex.raw(`SELECT * FROM ${t} ORDER BY bucket, level, model, project_id`)).rows,
    ),
  ),
});

describe('projection rebuild', () => {
  const database = useTestDatabase();

  it('truncates the projections and replays the log to exactly the live result', async () => {
    const make = [succeeded, failed, cached, rateLimited];
    const events = Array.from({ length: 1200 }, (_, i) =>
      make[i % 4]!({
        at: T0 + (i % 3) * DAY + (i % 50) * HOUR + i * 1000,
        projectId: i % 5 ? `p-${i % 4}` : null,
        level: i % 7 ? 'task' : 'objective',
        costNanos: 1000 + i,
        text: i === 5 ? 'with a \u0000 inside' : 'text',
      }),
    );
    const log = new KnexCallLog(database().knex, {
      clock: new SystemClock(),
      log: silent,
      batchMax: 97,
    });
    await Promise.all(events.map((e) => log.append([e])));
    await log.append(events.slice(0, 10)); // replays of events already in the log
    await projectUsage(database().knex); // usage as the service's projector leaves it
    await log.close();
    const live = await snapshot(database().knex);
    expect(live.calls).toHaveLength(1200);

    const progress: RebuildProgress[] = [];
    const replayed = await rebuildProjections(database().knex, {
      batchSize: 250,
      onProgress: (p) => progress.push(p),
    });
    expect(replayed).toBe(1200);
    expect(progress.at(-1)).toEqual({ done: 1200, total: 1200 });
    expect(progress.length).toBeGreaterThan(4);
    expect(await snapshot(database().knex)).toEqual(live);
    const usage = await new KnexUsageReadModel(database().knex).usage({
      since: T0 + DAY + 5 * MIN,
    });
    expect(usage).toEqual(expectedUsage(events, { since: T0 + DAY + 5 * MIN }));
  });
});
