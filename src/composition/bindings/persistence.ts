import type { Container } from 'inversify';
import { InMemoryEventStore } from '../../adapters/in-memory/in-memory-event-store';
import {
  isReady,
  KnexCallLog,
  KnexCallRecords,
  KnexUsageReadModel,
} from '../../adapters/persistence';
import type { CallLog, CallRecords, Clock, UsageReadModel } from '../../ports';
import type { Config } from '../config';
import { backlogFile, openDatabase } from '../database';
import type { Lifecycle } from '../lifecycle';
import type { Logger } from '../logger';
import type { ServiceOptions } from '../options';
import { TOKENS } from '../tokens';

/** The call log, its read models and readiness, all over one store. */
interface Store {
  readonly log: CallLog;
  readonly usage: UsageReadModel;
  readonly records: CallRecords;
  readonly ready: () => Promise<boolean>;
}
const STORE = Symbol('Store');

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
  c.bind<Store>(STORE)
    .toDynamicValue(async (ctx): Promise<Store> => {
      const lifecycle = ctx.get<Lifecycle>(TOKENS.Lifecycle);
      if (ctx.get<ServiceOptions>(TOKENS.Options).memory) return inMemory(lifecycle);
      const config = ctx.get<Config>(TOKENS.Config);
      const logger = ctx.get<Logger>(TOKENS.Logger);
      const { knex } = await openDatabase(config, logger, lifecycle);
      const log = new KnexCallLog(knex, {
        clock: ctx.get<Clock>(TOKENS.Clock),
        log: logger,
        batchMax: config.database.batchMax,
        maxBacklog: config.database.maxBacklog,
        backlogFile: backlogFile(config),
        closeTimeoutMs: config.server.shutdownTimeoutMs,
      });
      await log.start();
      lifecycle.onClose('call log', () => log.close());
      return {
        log,
        usage: new KnexUsageReadModel(knex),
        records: new KnexCallRecords(knex),
        ready: () => isReady(knex),
      };
    })
    .inSingletonScope();
  const part = <T>(token: symbol, pick: (s: Store) => T) =>
    c
      .bind<T>(token)
      .toDynamicValue(async (ctx) => pick(await ctx.getAsync<Store>(STORE)))
      .inSingletonScope();
  part<CallLog>(TOKENS.CallLog, (s) => s.log);
  part<UsageReadModel>(TOKENS.UsageReadModel, (s) => s.usage);
  part<CallRecords>(TOKENS.CallRecords, (s) => s.records);
  part<() => Promise<boolean>>(TOKENS.Readiness, (s) => s.ready);
};
