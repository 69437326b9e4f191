import { measure, type Load, type Target } from './load';
import { measurePaced } from './paced';
import type { PgCpu } from './pg-cpu';
import { watch } from './proc';
import type { Row, Through } from './report';
import { breakdownOf, scrape } from './stages';

/** A process under load and how to reach it. */
export interface Subject {
  readonly through: Through;
  readonly target: Target;
  /** The process whose CPU and RSS are charged to this subject. */
  readonly pid: number;
  /** Counts call records, for subjects that log to PostgreSQL. */
  readonly countCalls?: () => Promise<number>;
  /** Watches the CPU of the PostgreSQL processes serving its database (database.ts). */
  readonly watchPgCpu?: () => Promise<() => Promise<PgCpu | undefined>>;
  /** Its Prometheus `/metrics`, scraped around paced and saturation runs for the stage breakdown. */
  readonly metricsUrl?: string;
}

/** How long and how hard each phase runs. */
export interface Plan {
  readonly rates: readonly number[];
  readonly warmSeconds: number;
  /** One connection, one request at a time: the overhead with no queueing at all. */
  readonly serialSeconds: number;
  readonly rateSeconds: number;
  readonly saturationSeconds: number;
  /** Connections for unpaced runs. */
  readonly saturationConnections: number;
  /** How the rates are paced (see Load). */
  readonly pacing: 'open' | 'bursts';
}

/**
 * Connections for a run paced in bursts. autocannon paces each connection on its own: its share of the
 * rate per wall-clock second, sent back to back, then idle until the next second. 20 req/s per
 * connection keeps every subject on its rate while its latency stays under 50 ms (the direct
 * call, ~21 ms, is busy ~0.4 s of each second); the same connections go to every subject.
 */
export const connectionsFor = (rate: number): number => Math.max(2, Math.ceil(rate / 20));

/** The count once calls still in flight when the load stopped have been recorded. */
const settled = async (count: () => Promise<number>): Promise<number> => {
  let last = await count();
  for (let i = 0; i < 30; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const now = await count();
    if (now === last) return now;
    last = now;
  }
  return last;
};

/** Runs one load against one subject, watching its process and counting what it logged. */
export const runOne = async (s: Subject, kind: Row['kind'], load: Load): Promise<Row> => {
  const before = s.countCalls ? await s.countCalls() : 0;
  // The serial runs are one call at a time: their breakdown would say little, so none.
  const metricsUrl = kind === 'serial' ? undefined : s.metricsUrl;
  const scraped = metricsUrl ? await scrape(metricsUrl, s.target.headers) : null;
  const stopPg = s.watchPgCpu ? await s.watchPgCpu() : undefined;
  const [m, usage] = await watch(s.pid, () =>
    load.rate !== undefined && load.pacing !== 'bursts'
      ? measurePaced(s.target, load.rate, load.seconds)
      : measure(s.target, load),
  );
  const after = s.countCalls ? await settled(s.countCalls) : 0;
  // After the calls in flight have been recorded, so their writes are in.
  const pgCpu = await stopPg?.();
  const rescraped = metricsUrl ? await scrape(metricsUrl, s.target.headers) : null;
  const stages = scraped !== null && rescraped !== null ? breakdownOf(scraped, rescraped) : null;
  return {
    kind,
    ...(load.rate === undefined ? {} : { rate: load.rate }),
    through: s.through,
    connections: load.connections,
    m,
    usage,
    ...(s.countCalls ? { logged: after - before } : {}),
    ...(pgCpu ? { pgCpu } : {}),
    ...(metricsUrl ? { stages } : {}),
  };
};

/**
 * Warm-up, then one request at a time, then every rate, with the subjects back to back (so a
 * noisy neighbour hits them alike), then each subject at saturation. `progress` hears each run.
 */
export const runPlan = async (
  plan: Plan,
  subjects: readonly Subject[],
  saturationOnly: readonly Subject[],
  progress: (line: string) => void,
): Promise<Row[]> => {
  const rows: Row[] = [];
  const began = Date.now();
  const note = (r: Row) => {
    rows.push(r);
    const l = r.m.latency;
    progress(
      `  [${Math.round((Date.now() - began) / 1000)} s] ${r.kind === 'rate' ? `${r.rate} req/s` : r.kind} ${r.through}: ` +
        `${Math.round(r.m.rps)} req/s, p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms, ` +
        `errors ${r.m.errors}`,
    );
  };
  for (const s of [...subjects, ...saturationOnly]) {
    await measure(s.target, { connections: 16, seconds: plan.warmSeconds });
  }
  for (const s of subjects) {
    note(await runOne(s, 'serial', { connections: 1, seconds: plan.serialSeconds }));
  }
  for (const rate of plan.rates) {
    for (const s of subjects) {
      note(
        await runOne(s, 'rate', {
          rate,
          pacing: plan.pacing,
          // Open pacing opens what it needs; 0 reads "open" in the report.
          connections: plan.pacing === 'bursts' ? connectionsFor(rate) : 0,
          seconds: plan.rateSeconds,
        }),
      );
    }
  }
  for (const s of [...subjects, ...saturationOnly]) {
    const load = { connections: plan.saturationConnections, seconds: plan.saturationSeconds };
    note(await runOne(s, 'saturation', load));
  }
  return rows;
};
