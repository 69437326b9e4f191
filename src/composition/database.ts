import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Knex } from 'knex';
import { createKnex, migrateLatest, startEmbeddedPostgres } from '../adapters/persistence';
import type { Config } from './config';
import type { Lifecycle } from './lifecycle';
import type { Logger } from './logger';

/** The configured database, migrated. */
export interface Database {
  readonly knex: Knex;
  /** Where it is, without a password. */
  readonly displayUrl: string;
}

/**
 * Opens `database.url`, or, when it is empty, an embedded PostgreSQL under `data_dir` (reusing
 * one already running there); applies pending migrations. Closing destroys the pool, then stops
 * the embedded server: the lifecycle runs closers last-registered first, so anything registered
 * after this (the call log) is flushed while the database is still up.
 */
export const openDatabase = async (
  config: Config,
  logger: Logger,
  lifecycle: Lifecycle,
): Promise<Database> => {
  const db = await openPool(config, logger, lifecycle);
  await migrateLatest(db.knex);
  return db;
};

/**
 * The pool of `openDatabase`, not migrated and not yet known to answer. An embedded server that
 * fails to start still throws: that is a broken install, not a passing outage.
 */
export const openPool = async (
  config: Config,
  logger: Logger,
  lifecycle: Lifecycle,
): Promise<Database> => {
  let url = config.database.url;
  let displayUrl = url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1@');
  if (url === '') {
    const dir = resolve(config.dataDir, 'postgres');
    const pg = await startEmbeddedPostgres({
      dir,
      onLog: (line) => logger.debug({ postgres: line.trim() }, 'embedded PostgreSQL'),
    });
    lifecycle.onClose('embedded PostgreSQL', () => pg.stop());
    ({ url, displayUrl } = pg);
    // The start-up summary says where calls go; the URL is for whoever debugs the database.
    logger.debug(
      { url: displayUrl, dir, reused: !pg.owned },
      `embedded PostgreSQL at ${displayUrl} under ${dir}`,
    );
  }
  // A hung or unreachable server must turn into the journal within the statement timeout.
  const timeoutMs = config.database.statementTimeoutMs;
  const knex = createKnex(url, {
    connectTimeoutMs: timeoutMs,
    acquireTimeoutMs: Math.max(timeoutMs, 1000),
    onWarning: (message) => logger.debug({ knex: message }, 'database client warning'),
  });
  lifecycle.onClose('database pool', () => knex.destroy());
  return { knex, displayUrl };
};

/** The call log's backlog journal, kept under `data_dir` so it outlives a restart. */
export const backlogFile = (config: Config): string =>
  resolve(join(config.dataDir, 'call-log-backlog.jsonl'));

/**
 * Records `instanceId` as the instance running on this `data_dir` and returns the one before it
 * (one process per data_dir, so that one has stopped or died): its calls can be settled at once.
 */
export const succeed = async (config: Config, instanceId: string): Promise<string[]> => {
  const file = resolve(join(config.dataDir, 'instance-id'));
  const before = (await readFile(file, 'utf8').catch(() => '')).trim();
  await mkdir(config.dataDir, { recursive: true });
  await writeFile(`${file}.tmp`, `${instanceId}\n`, { mode: 0o600 });
  await rename(`${file}.tmp`, file);
  return before === '' || before === instanceId ? [] : [before];
};
