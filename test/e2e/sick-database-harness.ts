import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { waitFor as waitUntil } from '../support/wait-for';

/**
 * Every process of a test-owned PostgreSQL cluster: its postmaster (from `postmaster.pid`) and
 * the processes it started (backends, checkpointer, WAL writer…), found through /proc.
 */
const clusterProcesses = (clusterDir: string): { postmaster: number; children: number[] } => {
  const postmaster = Number(
    readFileSync(join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0],
  );
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name, which may itself hold spaces or parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === postmaster) children.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return { postmaster, children };
};

/**
 * Freezes a test-owned cluster with SIGSTOP, as a hung server or host would look: connections
 * are accepted by the kernel and never answered. The postmaster goes first, so it forks no new
 * backend while the others are being stopped. Returns the thaw (SIGCONT to each).
 */
export const freezeCluster = (clusterDir: string): (() => void) => {
  const { postmaster } = clusterProcesses(clusterDir);
  process.kill(postmaster, 'SIGSTOP');
  const { children } = clusterProcesses(clusterDir);
  for (const pid of children) process.kill(pid, 'SIGSTOP');
  return () => {
    for (const pid of children) process.kill(pid, 'SIGCONT');
    process.kill(postmaster, 'SIGCONT');
  };
};

/** One timed request of `steadyLoad`. */
export interface TimedCall {
  readonly input: string;
  readonly startedAt: number;
  endedAt?: number;
  status?: number;
  callId?: string;
  code?: string;
}

/** POSTs one inference with a unique input and times it; never rejects. */
export const timedPost = async (url: string, input: string, into: TimedCall[]): Promise<void> => {
  const c: TimedCall = { input, startedAt: Date.now() };
  into.push(c);
  try {
    const res = await fetch(`${url}/api/inference`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ level: 'turn', purpose: 'sick-db', input, cache: false }),
    });
    c.status = res.status;
    const body = (await res.json()) as { callId?: string; code?: string };
    c.callId = body.callId;
    c.code = body.code;
  } catch {
    // No answer at all: left without a status, which the tests count as a failure.
  }
  c.endedAt = Date.now();
};

/** Sends `perSecond` timed requests a second until `stop()`; `stop` resolves once all ended. */
export const steadyLoad = (url: string, perSecond: number, prefix: string) => {
  const calls: TimedCall[] = [];
  const pending: Array<Promise<void>> = [];
  let n = 0;
  let owed = 0;
  const timer = setInterval(() => {
    owed += perSecond / 100;
    for (; owed >= 1; owed--) pending.push(timedPost(url, `${prefix} ${n++}`, calls));
  }, 10);
  return {
    calls,
    stop: async () => {
      clearInterval(timer);
      await Promise.all(pending);
    },
  };
};

/** Records per call id, straight from `inference_calls`. */
export const recordCounts = async (knex: Knex): Promise<Map<string, number>> => {
  const rows: Array<{ id: string; n: string }> = await knex('inference_calls')
    .select('id')
    .count('* as n')
    .groupBy('id');
  return new Map(rows.map((r) => [r.id, Number(r.n)]));
};

/** Polls `f` until it returns a value; a rejection counts as not yet. */
export const waitFor = <T>(f: () => Promise<T | undefined>, ms = 60_000): Promise<T> =>
  waitUntil(f, ms, { tolerant: true });

/** GETs JSON (status and body) from the service. */
export const getJson = async <T = Record<string, unknown>>(
  url: string,
): Promise<{ status: number; type: string | null; body: T }> => {
  const res = await fetch(url);
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    body: (await res.json()) as T,
  };
};
