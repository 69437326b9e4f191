import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createKnex, migrateLatest, startEmbeddedPostgres } from '../../src/adapters/persistence';
import { watchPgCpu, type PgCpu } from './pg-cpu';

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
  /**
   * Starts watching the CPU of the PostgreSQL processes serving this database (pg-cpu.ts);
   * the function it resolves to stops and gives the totals (undefined: /proc cannot see them).
   */
  watchCpu(): Promise<() => Promise<PgCpu | undefined>>;
  /**
   * Another fresh database on the same server, created the same way (for a second version of the
   * service, whose schema differs); the caller drops it, before this one.
   */
  sibling(suffix: string): Promise<BenchDatabase>;
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

const urlOf = (server: string, name: string): string => {
  const u = new URL(server);
  u.pathname = `/${name}`;
  return u.toString();
};

/**
 * The database `name` at `url`, with one admin connection of the bench's own (opened on first
 * use, closed by drop): it counts the calls and reads pg_stat_activity, and is left out of the
 * CPU it measures. `server` is a URL of another database on the same server, from which `name`
 * is dropped; `stop` runs after (the embedded server's end).
 */
const database = (o: {
  url: string;
  name: string;
  source: string;
  server: string;
  stop?: () => Promise<void>;
}): BenchDatabase => {
  let admin: Promise<Client> | undefined;
  const connection = () =>
    (admin ??= (async () => {
      const c = new Client({ connectionString: o.url });
      await c.connect();
      return c;
    })());
  return {
    url: o.url,
    source: o.source,
    countCalls: async () => {
      const { rows } = await (
        await connection()
      ).query<{ n: number }>('SELECT count(*)::int AS n FROM inference_calls');
      return rows[0]?.n ?? 0;
    },
    migrate: migrator(o.url),
    setting: alter(o.url, o.name),
    watchCpu: async () => watchPgCpu(await connection()),
    sibling: async (suffix) => {
      const name = `${o.name}_${suffix}`;
      await query(o.server, `CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8'`);
      return database({
        url: urlOf(o.server, name),
        name,
        source: o.source.replace(/database \S+$/, `database ${name}`),
        server: o.server,
      });
    },
    drop: async () => {
      const c = admin;
      admin = undefined;
      await c?.then((x) => x.end()).catch(() => undefined);
      try {
        if (o.stop) return;
        await query(o.server, `DROP DATABASE IF EXISTS "${o.name}" WITH (FORCE)`);
      } finally {
        await o.stop?.();
      }
    },
  };
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
    const shown = `${u.protocol}//${u.username}@${u.host}`;
    return database({
      url: urlOf(given, name),
      name,
      source: `${process.env.DATABASE_URL ? 'DATABASE_URL' : 'TEST_DATABASE_URL'} (${shown}), database ${name}`,
      server: given,
    });
  }
  const pg = await startEmbeddedPostgres({
    // Not under a mkdtemp directory: as root, PostgreSQL runs as user postgres and must reach it.
    dir: join(tmpdir(), `headspace-bench-pg-${process.pid}`),
    database: 'bench',
    ephemeral: true,
  });
  return database({
    url: pg.url,
    name: 'bench',
    source: `embedded PostgreSQL (${pg.displayUrl}, durable commits), database bench`,
    server: pg.url,
    stop: () => pg.stop(),
  });
};
