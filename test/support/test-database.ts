import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { Client } from 'pg';
import {
  createKnex,
  migrateLatest,
  PROJECTION_TABLES,
  startEmbeddedPostgres,
} from '../../src/adapters/persistence';

/** Where a test server came from. */
export type ServerSource = 'TEST_DATABASE_URL' | 'testcontainers' | 'embedded';

/** A fresh, migrated database of its own for one test suite. */
export interface TestDatabase {
  readonly url: string;
  readonly knex: Knex;
  readonly source: ServerSource;
  /** Empties every table between tests (the log's append-only guard is bypassed for it). */
  reset(): Promise<void>;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

let server: Promise<{ url: string; source: ServerSource }> | undefined;

/**
 * A PostgreSQL server for tests: `TEST_DATABASE_URL`, else a Docker one via testcontainers when
 * a Docker engine answers, else one embedded PostgreSQL per jest worker, shared by the suites the
 * worker runs and gone when the worker exits.
 */
export const testServer = (): Promise<{ url: string; source: ServerSource }> =>
  (server ??= (async () => {
    const given = process.env.TEST_DATABASE_URL;
    if (given) return { url: given, source: 'TEST_DATABASE_URL' as const };
    const docker = await dockerServer();
    if (docker) return { url: docker, source: 'testcontainers' as const };
    return { url: await workerEmbeddedServer(), source: 'embedded' as const };
  })());

/** Creates and migrates a database no other suite uses. */
export const createTestDatabase = async (): Promise<TestDatabase> => {
  const { url: serverUrl, source } = await testServer();
  const name = `hs_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(serverUrl, `CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8'`);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const knex = createKnex(url, { poolMax: 5 });
  await migrateLatest(knex);
  return {
    url,
    knex,
    source,
    reset: () =>
      knex.transaction(async (trx) => {
        await trx.raw('SET LOCAL session_replication_role = replica');
        const tables = [
          'inference_events',
          'consumer_key_last_used',
          ...PROJECTION_TABLES,
          'usage_retained',
          'retention_drops',
          'retention_passes',
          'retention_texts',
        ].join(', ');
        await trx.raw(`TRUNCATE ${tables} RESTART IDENTITY`);
      }),
    drop: async () => {
      await knex.destroy();
      await admin(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
};

/**
 * Registers a fresh database for the enclosing suite (created before its tests, dropped after)
 * with timeouts that allow for a first embedded server start; returns a getter for it.
 */
export const useTestDatabase = (): (() => TestDatabase) => {
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
  }, 120_000);
  afterAll(async () => {
    await db?.drop();
  }, 30_000);
  return () => {
    if (!db) throw new Error('the test database did not start');
    return db;
  };
};

const admin = async (url: string, sql: string): Promise<void> => {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
};

const dockerServer = async (): Promise<string | undefined> => {
  const socket = ['/var/run/docker.sock', join(process.env.HOME ?? '', '.docker/run/docker.sock')];
  if (!process.env.DOCKER_HOST && !socket.some((s) => existsSync(s))) return undefined;
  try {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const c = await new PostgreSqlContainer('postgres:16-alpine').withReuse().start();
    return c.getConnectionUri();
  } catch (e) {
    process.stderr.write(`testcontainers unavailable (${e}); using embedded PostgreSQL\n`);
    return undefined;
  }
};

/** Jest gives each test file fresh modules, so the worker's server is found through a file. */
const workerEmbeddedServer = async (): Promise<string> => {
  const dir = join(tmpdir(), `headspace-test-pg-${process.pid}`);
  const note = join(dir, 'test-server-url');
  const saved = await readFile(note, 'utf8').catch(() => undefined);
  if (saved && (await answers(saved))) return saved;
  const pg = await startEmbeddedPostgres({
    dir,
    database: 'postgres',
    ephemeral: true,
    unsafeFast: true,
    unref: true,
  });
  await writeFile(note, pg.url, { mode: 0o600 });
  return pg.url;
};

const answers = async (url: string): Promise<boolean> => {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
};
