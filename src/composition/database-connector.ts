import {
  DatabaseAvailability,
  describeError,
  isTransient,
  migrateLatest,
  publicDescription,
} from '../adapters/persistence';
import type { Knex } from 'knex';
import type { Clock } from '../ports';
import type { Config } from './config';
import { backlogFile, openPool, type Database } from './database';
import type { Lifecycle } from './lifecycle';
import type { Logger } from './logger';

/** The service's database and whether it is there and migrated yet. */
export interface ServiceDatabase extends Database {
  readonly availability: DatabaseAvailability;
}

/** Waits between attempts to reach a database absent at start: 1 s, doubling to 5 s. */
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 5_000;
/** Failed attempts between two "still not reachable" warnings (about a minute at 5 s). */
const WARN_EVERY = 12;

/**
 * Opens the service's database. When it answers, it is migrated before this resolves, as
 * `openDatabase` does. When it does not (refused, timed out, starting up: a passing failure) the
 * service starts anyway on its journal: `availability` says `absent`, and the database is tried
 * again every 1–5 s until it answers, then migrated, `prepare`d (the instance's lease is taken)
 * and marked ready, which is when the caller replays the journal. A refusal that will not pass (a wrong password, a
 * database that does not exist) still stops the start: that is a configuration error.
 */
export const openServiceDatabase = async (
  o: ConnectOptions,
  prepare: (knex: Knex) => Promise<void> = () => Promise.resolve(),
): Promise<ServiceDatabase> => {
  const { config, logger } = o;
  const db = await openPool(config, logger, o.lifecycle);
  const availability = new DatabaseAvailability('absent');
  try {
    await migrateLatest(db.knex);
    await prepare(db.knex);
    availability.ready();
  } catch (e) {
    if (!isTransient(e)) throw e;
    availability.absent(e);
    logger.warn(
      { database: db.displayUrl, err: describeError(e), journal: backlogFile(config) },
      `database not reachable at start (${publicDescription(e)}): serving anyway; calls are ` +
        'kept in the journal until it answers, then it is migrated and the journal replayed',
    );
    keepConnecting(db, availability, o, prepare);
  }
  return { ...db, availability };
};

/** What connecting needs. */
export interface ConnectOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly lifecycle: Lifecycle;
  readonly clock: Clock;
}

/** Tries the database with backoff until it answers, then migrates it and marks it ready. */
const keepConnecting = (
  db: Database,
  availability: DatabaseAvailability,
  o: ConnectOptions,
  prepare: (knex: Knex) => Promise<void>,
): void => {
  const { clock, logger } = o;
  let delay = RETRY_MIN_MS;
  let failures = 0;
  let stopped = false;
  let cancel: (() => void) | undefined;
  const attempt = async (): Promise<void> => {
    try {
      await db.knex.raw('SELECT 1').timeout(o.config.database.statementTimeoutMs);
      availability.migrating();
      logger.info({ database: db.displayUrl }, 'database answered: applying migrations');
      await migrateLatest(db.knex);
      await prepare(db.knex);
      availability.ready();
      logger.info(
        { database: db.displayUrl, after: failures + 1 },
        'database ready: migrations applied; replaying the journal',
      );
    } catch (e) {
      availability.absent(e);
      failures++;
      const fields = { database: db.displayUrl, err: describeError(e), attempts: failures };
      if (!isTransient(e)) logger.error(fields, 'database refused the service; retrying');
      else if (failures % WARN_EVERY === 0)
        logger.warn(fields, 'database still not reachable; calls are kept in the journal');
      if (!stopped) schedule();
    }
  };
  const schedule = (): void => {
    const wait = delay;
    delay = Math.min(delay * 2, RETRY_MAX_MS);
    cancel = clock.schedule(wait, () => void attempt());
  };
  schedule();
  o.lifecycle.onClose('database connector', () => {
    stopped = true;
    cancel?.();
  });
};
