import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createKnex, migrateLatest, startEmbeddedPostgres } from '../../src/adapters/persistence';

/** A database of the benchmark's own, dropped (or its server stopped) at the end. */
export interface BenchDatabase {
  readonly url: string;
  /** Where it came from, for the report. */
  readonly source: string;
  /** Rows in inference_calls now. */
  countCalls(): Promise<number>;
  /**
   * Applies the migrations once, before the services start: two processes migrating a fresh
   * database at the same moment race on creating knex's lock table and one of them fails.
   */
  migrate(using?: Persistence): Promise<void>;
  /** Sets a parameter for every later session on this database (ALTER DATABASE … SET). */
  setting(name: string, value: string): Promise<void>;
  drop(): Promise<void>;
}

const query = async (url: string, sql: string): Promise<unknown[]> => {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as unknown[];
  } finally {
    await client.end();
  }
};

const counter = (url: string) => async (): Promise<number> => {
  const [row] = (await query(url, 'SELECT count(*)::int AS n FROM inference_calls')) as Array<{
    n: number;
  }>;
  return row?.n ?? 0;
};

/** The persistence adapter's migration entry points (this checkout's, or a built service's). */
export interface Persistence {
  readonly createKnex: typeof createKnex;
  readonly migrateLatest: typeof migrateLatest;
}

const migrator =
  (url: string) =>
  async (using: Persistence = { createKnex, migrateLatest }): Promise<void> => {
    // Two: migrateLatest holds one connection for its lock while knex migrates on another.
    const knex = using.createKnex(url, { poolMax: 2 });
    try {
      await using.migrateLatest(knex);
    } finally {
      await knex.destroy();
    }
  };

const alter = (url: string, db: string) => async (name: string, value: string) => {
  if (!/^[a-z_]+$/.test(name) || !/^[a-z0-9_]+$/.test(value))
    throw new Error(`bad setting ${name}`);
  await query(url, `ALTER DATABASE "${db}" SET ${name} = ${value}`);
};

/**
 * `DATABASE_URL`, else `TEST_DATABASE_URL`: a fresh database on that server, dropped at the
 * end. Neither: an embedded PostgreSQL in a temporary directory with the defaults a user gets (durable
 * commits), deleted at the end. The service migrates the database itself when it starts.
 */
export const benchDatabase = async (): Promise<BenchDatabase> => {
  const given = process.env.DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (given) {
    const name = `hs_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
    await query(given, `CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8'`);
    const u = new URL(given);
    u.pathname = `/${name}`;
    const url = u.toString();
    const shown = `${u.protocol}//${u.username}@${u.host}`;
    return {
      url,
      source: `${process.env.DATABASE_URL ? 'DATABASE_URL' : 'TEST_DATABASE_URL'} (${shown}), database ${name}`,
      countCalls: counter(url),
      migrate: migrator(url),
      setting: alter(url, name),
      drop: () => query(given, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).then(() => {}),
    };
  }
  const pg = await startEmbeddedPostgres({
    // Not under a mkdtemp directory: as root, PostgreSQL runs as user postgres and must reach it.
    dir: join(tmpdir(), `headspace-bench-pg-${process.pid}`),
    database: 'bench',
    ephemeral: true,
  });
  return {
    url: pg.url,
    source: `embedded PostgreSQL (${pg.displayUrl}, durable commits)`,
    countCalls: counter(pg.url),
    migrate: migrator(pg.url),
    setting: alter(pg.url, 'bench'),
    drop: () => pg.stop(),
  };
};
