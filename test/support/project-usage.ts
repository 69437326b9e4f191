import type { Knex } from 'knex';
import { KnexUsageReadModel, UsageProjector } from '../../src/adapters/persistence';
import { BEHIND_SQL, HORIZON_SQL } from '../../src/adapters/persistence/projector/projector-sql';
import type { UsageReadModel } from '../../src/ports';
import { SystemClock } from '../../src/adapters/system/system-clock';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Runs the usage projector until it has applied every event committed before the call (as the
 * service's does after its appends), so a test can compare the aggregates; resolves with the
 * events it passed. A transaction running elsewhere on the server (another suite's) holds the
 * projector's horizon back for a moment, so it steps until nothing below its start is left.
 */
export const projectUsage = async (knex: Knex, batchSize?: number): Promise<number> => {
  const projector = new UsageProjector(knex, {
    clock: new SystemClock(),
    log: quiet,
    ...(batchSize ? { batchSize } : {}),
  });
  const horizon = String((await knex.raw(HORIZON_SQL)).rows[0].horizon);
  const deadline = Date.now() + 20_000;
  let passed = 0;
  try {
    for (;;) {
      const s = await projector.step();
      passed += s.passed;
      if (!s.ran) throw new Error('another projector holds the lock');
      if (s.caughtUp && !(await knex.raw(BEHIND_SQL, [horizon])).rows[0].behind) return passed;
      if (Date.now() > deadline) throw new Error('the usage projector did not catch up in 20 s');
      if (s.caughtUp) await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    await projector.stop(); // gives the lead up
  }
};

/**
 * A usage read model whose reads first wait for the aggregates to count every event committed
 * before them, as the use cases' reads do, with a running projector of its own (`stop` it).
 */
export const readYourWrites = (knex: Knex): UsageReadModel & { stop(): Promise<void> } => {
  const projector = new UsageProjector(knex, {
    clock: new SystemClock(),
    log: quiet,
    delayMs: 1,
    pollMs: 50,
  });
  projector.start();
  const model = new KnexUsageReadModel(knex, projector);
  const current = async () => {
    const lag = await model.caughtUp(10_000);
    if (lag) throw new Error(`the usage projection is ${lag.lagMs} ms behind`);
  };
  return {
    caughtUp: (ms) => model.caughtUp(ms),
    lag: () => model.lag(),
    usage: async (q) => (await current(), model.usage(q)),
    series: async (q) => (await current(), model.series(q)),
    stop: () => projector.stop(),
  };
};
