import type { Container } from 'inversify';
import { InMemoryEventStore } from '../../adapters/in-memory/in-memory-event-store';
import { InMemoryKeyStore } from '../../adapters/in-memory/in-memory-key-store';
import {
  isReady,
  KnexCallLog,
  KnexCallRecords,
  KnexInstanceLeases,
  KnexKeyStore,
  KnexRetention,
  KnexStorageStats,
  KnexUsageReadModel,
  recordsWhenAvailable,
  UsageProjector,
  usageWhenAvailable,
  type DatabaseAvailability,
} from '../../adapters/persistence';
import { EVENT_TYPES } from '../../domain';
import type {
  CallLog,
  CallRecords,
  KeyStore,
  ProjectionLag,
  Readiness,
  StorageStats,
  UsageReadModel,
} from '../../ports';
import type { Knex } from 'knex';
import { backlogFile, succeed } from '../database';
import { openServiceDatabase } from '../database-connector';
import type { Lifecycle } from '../lifecycle';
import { bind, get, getAsync, token, TOKENS, type Token } from '../tokens';
import { settleEvery } from './instance-lease';
import { retainEvery } from './retention-schedule';

/** The call log, its read models and readiness, all over one store. */
interface Store {
  readonly log: CallLog;
  readonly usage: UsageReadModel;
  readonly records: CallRecords;
  readonly ready: () => Promise<Readiness>;
  /** The usage projection's lag (in memory, where it is projected inline: always 0). */
  readonly lag: ProjectionLag;
  /** The consumer keys: their events and projection. */
  readonly keys: KeyStore;
  /** Null in memory. */
  readonly storage: StorageStats | null;
}
const STORE = token<Store>('Store');

/** How often status's storage figures are measured. */
const STORAGE_MEASURE_MS = 10_000;

const inMemory = (lifecycle: Lifecycle): Store => {
  const store = new InMemoryEventStore();
  lifecycle.onClose('call log', () => store.close());
  return {
    log: store,
    usage: store,
    records: store,
    ready: () => Promise.resolve({ ready: true, detail: null }),
    // Usage is projected with each append in memory: never behind.
    lag: { usageLag: () => ({ lagMs: 0, asOf: null }) },
    keys: new InMemoryKeyStore(),
    storage: null,
  };
};

/**
 * Binds the call log and its read models: in memory with `options.memory`, else PostgreSQL at
 * `database.url` or embedded under `data_dir`, migrated at start, or, when it does not answer
 * then, as soon as it does (the service serves on its journal meanwhile). The call log registers
 * its closer after the pool's, so shutdown flushes it before the pool and the embedded server go.
 */
export const bindPersistence = (c: Container): void => {
  bind(c, STORE)
    .toDynamicValue(async (ctx): Promise<Store> => {
      const lifecycle = get(ctx, TOKENS.Lifecycle);
      if (get(ctx, TOKENS.Options).memory) return inMemory(lifecycle);
      const config = get(ctx, TOKENS.Config);
      const logger = get(ctx, TOKENS.Logger);
      const clock = get(ctx, TOKENS.Clock);
      const instanceId = get(ctx, TOKENS.InstanceId);
      const predecessors = await succeed(config, instanceId);
      let leases: KnexInstanceLeases | undefined;
      // The lease is taken before the database counts as ready, so before the journal replays:
      // another instance must never take this one's replayed intents for a dead instance's.
      const takeLease = async (knex: Knex): Promise<void> => {
        leases ??= new KnexInstanceLeases(knex, { instanceId, predecessors });
        await leases.acquire();
      };
      const { knex, availability } = await openServiceDatabase(
        { config, logger, lifecycle, clock },
        takeLease,
      );
      const projector = new UsageProjector(knex, { clock, log: logger, availability });
      // Registered before the call log's closer, so it runs after it: the last events flushed
      // are projected before the pool closes.
      lifecycle.onClose('usage projector', () => projector.stop());
      const log = new KnexCallLog(knex, {
        clock,
        log: logger,
        batchMax: config.database.batchMax,
        lanes: config.database.commitLanes,
        maxBacklog: config.database.maxBacklog,
        backlogFile: backlogFile(config),
        closeTimeoutMs: config.server.shutdownTimeoutMs,
        statementTimeoutMs: config.database.statementTimeoutMs,
        availability,
        onCommitted: () => projector.kick(),
      });
      await log.start();
      lifecycle.onClose('call log', () => log.close());
      const keys = new KnexKeyStore(knex, config.database.statementTimeoutMs);
      lifecycle.onClose('key listener', () => keys.close());
      const storage = new KnexStorageStats(knex);
      // Every outcome is a record: counted in status until the next measurement.
      for (const type of EVENT_TYPES)
        get(ctx, TOKENS.Publisher).emitter.on(type, () => storage.recorded());
      const measure = (): void =>
        void storage
          .measure()
          .catch((e: unknown) => logger.debug({ err: String(e) }, 'measuring storage failed'));
      const retention = new KnexRetention(
        knex,
        config.retention,
        // A pass drops only days whose events are all counted: give the projector a few steps.
        async () => {
          for (let i = 0; i < 5; i++) await projector.nextStep();
        },
      );
      const retain = (): void =>
        retainEvery({
          retention,
          everyMs: config.retention.runEveryMinutes * 60_000,
          clock,
          logger,
          lifecycle,
          onPass: measure,
        });
      const measureEvery = (): void => {
        let cancel = (): void => undefined;
        const tick = (): void => {
          measure();
          cancel = clock.schedule(STORAGE_MEASURE_MS, tick);
        };
        tick();
        lifecycle.onClose('storage figures', async () => cancel());
      };
      const settle = (): void =>
        settleEvery({
          leases: leases!,
          log,
          publisher: get(ctx, TOKENS.Publisher),
          clock,
          logger,
          lifecycle,
          instanceId,
        });
      if (availability.state === 'ready') {
        settle();
        projector.start();
        retain();
        measureEvery();
      } else {
        // Absent at start: replay the journal and settle the moment it is migrated.
        void availability.whenReady().then(() => {
          log.retryNow();
          settle();
          projector.start();
          retain();
          measureEvery();
        });
      }
      return {
        log,
        usage: usageWhenAvailable(new KnexUsageReadModel(knex, projector), availability),
        records: recordsWhenAvailable(new KnexCallRecords(knex), availability),
        ready: () => readiness(knex, availability),
        lag: projector,
        keys,
        storage,
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
  part(TOKENS.ProjectionLag, (s) => s.lag);
  part(TOKENS.KeyStore, (s) => s.keys);
  part(TOKENS.StorageStats, (s) => s.storage);
};

/** Ready once the database is migrated and answers; why not in words (never a driver message). */
const readiness = async (knex: Knex, availability: DatabaseAvailability): Promise<Readiness> => {
  if (availability.state === 'absent') {
    return {
      ready: false,
      detail: 'database: not reached since start; calls are kept in the journal until it answers',
    };
  }
  if (availability.state === 'migrating') {
    return { ready: false, detail: 'database: applying migrations' };
  }
  return (await isReady(knex))
    ? { ready: true, detail: null }
    : { ready: false, detail: 'database: does not answer, or migrations are pending' };
};
