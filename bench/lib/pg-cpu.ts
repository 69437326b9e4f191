import { readFileSync } from 'node:fs';
import type { Client } from 'pg';

/** CPU PostgreSQL spent while one run went, from /proc (utime + stime of its processes). */
export interface PgCpu {
  /** CPU seconds of the client backends connected to the subject's database. */
  readonly backendSeconds: number;
  /** How many such backends were seen during the run. */
  readonly backends: number;
  /**
   * CPU seconds of the server's shared processes (postmaster, walwriter, checkpointer, background
   * writer, autovacuum, …): every backend that is not a client backend, of any database.
   */
  readonly sharedSeconds: number;
}

/** utime + stime (s) and parent pid of a process, or undefined if it is gone or unreadable. */
const procStat = (pid: number): { cpu: number; ppid: number } | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    return { cpu: (Number(fields[11]) + Number(fields[12])) / 100, ppid: Number(fields[1]) };
  } catch {
    return undefined;
  }
};

/**
 * Client backends of this connection's database (its own excluded) and the server's shared
 * processes. pid and backend_type are visible to any role.
 */
const SQL = `SELECT pid, backend_type = 'client backend' AS here FROM pg_stat_activity
  WHERE pid <> pg_backend_pid()
    AND (backend_type <> 'client backend' OR datname = current_database())`;

interface Seen {
  readonly here: boolean;
  readonly first: number;
  last: number;
}

/**
 * Starts watching the PostgreSQL processes that serve `admin`'s database: the set is read from
 * pg_stat_activity at the start, every `everyMs` and at the end; each process's CPU is read from
 * /proc at each of those moments. A process there at the start counts from its reading then, one
 * that appears later from zero (all of its life is in the run), one that vanishes by its last
 * reading. The postmaster (the backends' parent) counts as shared. Resolves to a `stop` that
 * gives the totals, or undefined when /proc does not show the server's processes (a server on
 * another machine or in another pid namespace).
 */
export const watchPgCpu = async (
  admin: Client,
  everyMs = 200,
): Promise<() => Promise<PgCpu | undefined>> => {
  const seen = new Map<number, Seen>();
  let readable = false;
  const poll = async (initial: boolean) => {
    const { rows } = await admin.query<{ pid: number; here: boolean }>(SQL);
    for (const [pid, s] of seen) {
      const now = procStat(pid);
      if (now) s.last = now.cpu;
    }
    let postmaster: number | undefined;
    for (const { pid, here } of rows) {
      if (seen.has(pid)) continue;
      const now = procStat(pid);
      if (!now) continue;
      readable = true;
      postmaster ??= now.ppid;
      seen.set(pid, { here, first: initial ? now.cpu : 0, last: now.cpu });
    }
    if (postmaster !== undefined && postmaster > 1 && !seen.has(postmaster)) {
      const now = procStat(postmaster);
      if (now) seen.set(postmaster, { here: false, first: initial ? now.cpu : 0, last: now.cpu });
    }
  };
  await poll(true);
  let busy: Promise<void> | undefined;
  const timer = setInterval(() => {
    busy ??= poll(false)
      .catch(() => undefined)
      .finally(() => (busy = undefined));
  }, everyMs);
  return async () => {
    clearInterval(timer);
    await busy;
    await poll(false);
    if (!readable) return undefined;
    const list = [...seen.values()];
    const sum = (xs: Seen[]) => xs.reduce((t, s) => t + Math.max(0, s.last - s.first), 0);
    const here = list.filter((s) => s.here);
    return {
      backendSeconds: sum(here),
      backends: here.length,
      sharedSeconds: sum(list.filter((s) => !s.here)),
    };
  };
};
