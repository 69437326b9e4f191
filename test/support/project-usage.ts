import type { Knex } from 'knex';
import { KnexUsageReadModel, UsageProjector } from '../../src/adapters/persistence';
import type { UsageReadModel } from '../../src/ports';
import { SystemClock } from '../../src/adapters/system/system-clock';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Runs the usage projector until it has applied every committed event (as the service's does
 * after its appends), so a test can compare the aggregates; resolves with the events passed.
 */
export const projectUsage = async (knex: Knex, batchSize?: number): Promise<number> => {
  const projector = new UsageProjector(knex, {
    clock: new SystemClock(),
    log: quiet,
    ...(batchSize ? { batchSize } : {}),
  });
  let passed = 0;
  for (;;) {
    const s = await projector.step();
    passed += s.passed;
    if (!s.ran) throw new Error('another projector holds the lock');
    if (s.caughtUp) return passed;
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
