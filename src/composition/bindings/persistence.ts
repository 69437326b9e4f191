import type { Container } from 'inversify';
import { InMemoryEventStore } from '../../adapters/in-memory/in-memory-event-store';
import { makeSettleInterrupted } from '../../application';
import type { EventEmitterPublisher } from '../../adapters/events/event-emitter-publisher';
import {
  isReady,
  KnexCallLog,
  KnexInstanceLeases,
  KnexCallRecords,
  KnexUsageReadModel,
} from '../../adapters/persistence';
import type { CallLog, CallRecords, Clock, UsageReadModel } from '../../ports';
import type { Logger } from '../logger';
import { backlogFile, openDatabase, succeed } from '../database';
import type { Lifecycle } from '../lifecycle';
import { bind, get, getAsync, token, TOKENS, type Token } from '../tokens';

/** The call log, its read models and readiness, all over one store. */
interface Store {
  readonly log: CallLog;
  readonly usage: UsageReadModel;
  readonly records: CallRecords;
  readonly ready: () => Promise<boolean>;
}
const STORE = token<Store>('Store');

const inMemory = (lifecycle: Lifecycle): Store => {
  const store = new InMemoryEventStore();
  lifecycle.onClose('call log', () => store.close());
  return { log: store, usage: store, records: store, ready: () => Promise.resolve(true) };
};

/**
 * Binds the call log and its read models: in memory with `options.memory`, else PostgreSQL at
 * `database.url` or embedded under `data_dir`, migrated at start. The call log registers its
 * closer last, so shutdown flushes it before the pool and the embedded server go.
 */
export const bindPersistence = (c: Container): void => {
  bind(c, STORE)
    .toDynamicValue(async (ctx): Promise<Store> => {
      const lifecycle = get(ctx, TOKENS.Lifecycle);
      if (get(ctx, TOKENS.Options).memory) return inMemory(lifecycle);
      const config = get(ctx, TOKENS.Config);
      const logger = get(ctx, TOKENS.Logger);
      const { knex } = await openDatabase(config, logger, lifecycle);
      const log = new KnexCallLog(knex, {
        clock: get(ctx, TOKENS.Clock),
        log: logger,
        batchMax: config.database.batchMax,
        maxBacklog: config.database.maxBacklog,
        backlogFile: backlogFile(config),
        closeTimeoutMs: config.server.shutdownTimeoutMs,
        statementTimeoutMs: config.database.statementTimeoutMs,
      });
      await log.start();
      lifecycle.onClose('call log', () => log.close());
      const instanceId = ctx.get<string>(TOKENS.InstanceId);
      const leases = new KnexInstanceLeases(knex, {
        instanceId,
        predecessors: await succeed(config, instanceId),
      });
      await leases.acquire();
      const settle = makeSettleInterrupted({
        leases,
        log,
        publisher: ctx.get<EventEmitterPublisher>(TOKENS.Publisher),
        instanceId,
      });
      settleEvery(ctx.get<Clock>(TOKENS.Clock), leases, settle, logger, lifecycle);
      return {
        log,
        usage: new KnexUsageReadModel(knex),
        records: new KnexCallRecords(knex),
        ready: () => isReady(knex),
      };
    })
    .inSingletonScope();
  const part = <T>(t: Token<T>, pick: (s: Store) => T) =>
    bind(c, t)
      .toDynamicValue(async (ctx) => pick(await getAsync(ctx, STORE)))
      .inSingletonScope();
  part(TOKENS.CallLog, (s) => s.log);
  part(TOKENS.UsageReadModel, (s) => s.usage);
  part(TOKENS.CallRecords, (s) => s.records);
  part(TOKENS.Readiness, (s) => s.ready);
};

/** How often the lease is renewed and dead instances' calls are looked for. */
const SETTLE_EVERY_MS = 10_000;

/**
 * Renews the lease and settles dead instances' calls now (a predecessor's, at start) and every
 * 10 s; gives the lease up on close (registered after the call log, so it runs before it).
 */
const settleEvery = (
  clock: Clock,
  leases: KnexInstanceLeases,
  settle: () => Promise<number>,
  logger: Logger,
  lifecycle: Lifecycle,
): void => {
  let cancel: (() => void) | undefined;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const tick = (): void => {
    running = leases
      .renew()
      .then(settle)
      .then((n) => {
        if (n > 0)
          logger.warn({ settled: n }, `settled ${n} interrupted calls of stopped instances`);
      })
      .catch((e: unknown) => logger.warn({ err: String(e) }, 'settling interrupted calls failed'))
      .finally(() => {
        if (!stopped) cancel = clock.schedule(SETTLE_EVERY_MS, tick);
      });
  };
  tick();
  lifecycle.onClose('instance lease', async () => {
    stopped = true;
    cancel?.();
    await running;
    await leases.release();
  });
};
