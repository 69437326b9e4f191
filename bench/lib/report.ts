import type { Measured } from './load';
import type { PgCpu } from './pg-cpu';
import type { Usage } from './proc';
import type { Breakdown } from './stages';

/** A version of the service: this checkout (`ours`), or `--before-src`'s (`before`). */
export type Version = 'ours' | 'before';

/**
 * Who answered: the fake directly, a bare Node.js proxy, a version of the service (its native
 * route, its OpenAI-compatible one, its cache hits), or the peer gateway.
 */
export type Through =
  'direct' | 'bare proxy' | Version | `${Version} /v1` | `${Version}, cache hits` | 'peer';

/** One measured run. */
export interface Row {
  /**
   * `serial`: one connection, one request at a time; `rate`: paced (open, or in bursts);
   * `saturation`: as fast as the connections go.
   */
  readonly kind: 'serial' | 'rate' | 'saturation';
  readonly rate?: number;
  readonly through: Through;
  readonly connections: number;
  readonly m: Measured;
  readonly usage: Usage;
  /** Call records the run added to PostgreSQL (the service's versions only). */
  readonly logged?: number;
  /** CPU of the PostgreSQL processes serving its database during the run (pg-cpu.ts). */
  readonly pgCpu?: PgCpu;
  /** From its /metrics around the run; null: scraped, but without the stage metrics. */
  readonly stages?: Breakdown | null;
}

const ms = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '–');
const int = (x: number): string => Math.round(x).toLocaleString('en-US');
const cpuPerReq = (r: Row): string =>
  int((r.usage.cpuSeconds / Math.max(1, r.m.ok + r.m.errors)) * 1e6);
const logged = (r: Row): string =>
  r.logged === undefined
    ? '–'
    : `${int(r.logged)} / ${int(r.m.ok + r.m.errors)} / ${int(r.m.sent)}`;

/**
 * CPU µs of PostgreSQL per call logged in the run: its backends serving the subject's database,
 * or the server's shared processes (walwriter, checkpointer, …). "–" when not measured.
 */
export const pgCpuPerCall = (r: Row, which: 'backendSeconds' | 'sharedSeconds'): number =>
  r.pgCpu && r.logged ? (r.pgCpu[which] / r.logged) * 1e6 : Number.NaN;
const pgCells = (r: Row): string[] =>
  (['backendSeconds', 'sharedSeconds'] as const).map((k) => {
    const v = pgCpuPerCall(r, k);
    return Number.isFinite(v) ? int(v) : '–';
  });

/** A markdown table. */
export const table = (head: readonly string[], rows: readonly (readonly string[])[]): string =>
  [head, head.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');

/** The direct run measured beside `r` (same kind and rate). */
export const floorOf = (rows: readonly Row[], r: Row): Row | undefined =>
  rows.find((d) => d.through === 'direct' && d.kind === r.kind && d.rate === r.rate);

/** Latency added over the direct call, per percentile, in ms. */
export const overheadOf = (rows: readonly Row[], r: Row) => {
  const d = floorOf(rows, r);
  const diff = (k: 'p50' | 'p90' | 'p99') => (d ? r.m.latency[k] - d.m.latency[k] : Number.NaN);
  return { p50: diff('p50'), p90: diff('p90'), p99: diff('p99') };
};

/** Serial and paced runs: latency, overhead over direct, errors, CPU and RSS of who answered. */
export const rateTable = (rows: readonly Row[]): string =>
  table(
    [
      'rate',
      'through',
      'conns',
      'req/s',
      'p50 ms',
      'p90 ms',
      'p99 ms',
      'overhead p50',
      'p90',
      'p99',
      'errors',
      'CPU µs/req',
      'peak RSS MB',
      'logged / answered / sent',
      'PG CPU µs/call',
      'PG shared µs/call',
    ],
    rows
      .filter((r) => r.kind !== 'saturation')
      .map((r) => {
        const o = overheadOf(rows, r);
        const direct = r.through === 'direct';
        return [
          r.kind === 'serial' ? 'serial' : String(r.rate),
          r.through,
          r.connections === 0 ? 'open' : String(r.connections),
          int(r.m.rps),
          ms(r.m.latency.p50),
          ms(r.m.latency.p90),
          ms(r.m.latency.p99),
          direct ? '–' : ms(o.p50),
          direct ? '–' : ms(o.p90),
          direct ? '–' : ms(o.p99),
          int(r.m.errors),
          cpuPerReq(r),
          int(r.usage.peakRssMb),
          logged(r),
          ...pgCells(r),
        ];
      }),
  );

/** The unpaced runs: throughput at saturation. */
export const saturationTable = (rows: readonly Row[]): string =>
  table(
    [
      'through',
      'conns',
      'req/s',
      'p50 ms',
      'p99 ms',
      'errors',
      'CPU µs/req',
      'process CPU (cores)',
      'machine busy',
      'peak RSS MB',
      'logged / answered / sent',
      'PG CPU µs/call',
      'PG shared µs/call',
    ],
    rows
      .filter((r) => r.kind === 'saturation')
      .map((r) => [
        r.through,
        String(r.connections),
        int(r.m.rps),
        ms(r.m.latency.p50),
        ms(r.m.latency.p99),
        int(r.m.errors),
        cpuPerReq(r),
        (r.usage.cpuSeconds / r.m.seconds).toFixed(2),
        `${Math.round(r.usage.machineBusy * 100)}%`,
        int(r.usage.peakRssMb),
        logged(r),
        ...pgCells(r),
      ]),
  );

const SERVICE_ROUTES: readonly Through[] = ['ours', 'ours /v1', 'before', 'before /v1'];

/** The service's overhead over the peer's, per rate and percentile (below 1: it adds less). */
export const ratioTable = (rows: readonly Row[]): string => {
  const paced = rows.filter((r) => r.kind !== 'saturation' && SERVICE_ROUTES.includes(r.through));
  return table(
    [
      'rate',
      'through',
      'its p50 / p90 / p99 ms',
      'peer p50 / p90 / p99 ms',
      'ratio p50',
      'p90',
      'p99',
    ],
    paced.map((r) => {
      const peer = rows.find((p) => p.kind === r.kind && p.through === 'peer' && p.rate === r.rate);
      const o = overheadOf(rows, r);
      const p = peer ? overheadOf(rows, peer) : { p50: NaN, p90: NaN, p99: NaN };
      const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : '–');
      return [
        r.kind === 'serial' ? 'serial' : String(r.rate),
        r.through,
        `${ms(o.p50)} / ${ms(o.p90)} / ${ms(o.p99)}`,
        `${ms(p.p50)} / ${ms(p.p90)} / ${ms(p.p99)}`,
        ratio(o.p50, p.p50),
        ratio(o.p90, p.p90),
        ratio(o.p99, p.p99),
      ];
    }),
  );
};

/** One run's breakdown: per route its overhead, per stage and part its time per call. */
const breakdownTable = (b: Breakdown): string => {
  const share = (x: number | null) => (x === null ? '–' : `${Math.round(x * 100)}%`);
  return table(
    ['stage', 'part', 'observed', 'mean ms per call', 'p50 ms (≈)', 'share of the overhead'],
    [
      ...b.routes.map((r) => [
        `overhead ${r.route}`,
        '',
        int(r.count),
        ms(r.meanMs),
        ms(r.p50Ms),
        '100%',
      ]),
      ...b.stages.map((s) => [
        s.stage,
        s.part,
        int(s.count),
        ms(s.meanMsPerCall),
        ms(s.p50Ms),
        share(s.share),
      ]),
      [
        'in no stage',
        '',
        '',
        ms(b.otherMsPerCall),
        '',
        b.overheadMeanMs > 0 ? share(b.otherMsPerCall / b.overheadMeanMs) : '–',
      ],
    ],
  );
};

/**
 * "Where one call's overhead goes", per run of a service version around which /metrics was
 * scraped (paced rates and saturation): the diff of `headspace_call_stage_seconds` and
 * `headspace_overhead_seconds`; "–" for a version that does not expose them. Empty when no run
 * scraped any.
 */
export const stageSection = (rows: readonly Row[]): string[] => {
  const scraped = rows.filter((r) => r.stages !== undefined);
  if (scraped.length === 0) return [];
  const groups: { title: string; rows: Row[] }[] = [];
  for (const r of scraped) {
    const title = r.kind === 'rate' ? `At ${int(r.rate ?? 0)} req/s` : 'At saturation';
    const g = groups.find((x) => x.title === title);
    if (g) g.rows.push(r);
    else groups.push({ title, rows: [r] });
  }
  const out = [
    "### Where one call's overhead goes",
    '',
    '`headspace_call_stage_seconds` and `headspace_overhead_seconds` from /metrics, scraped ' +
      'before and after each run and diffed: mean = the time in that stage ÷ the calls of the ' +
      'run (so the lines add up to one call); p50 of one observation, interpolated within its ' +
      "histogram bucket; share = of the overhead's sum (the upstream's own work is not overhead).",
    '',
  ];
  if (scraped.every((r) => r.stages === null)) {
    out.push(
      `– in every run: no service measured here exposes them yet (${[...new Set(scraped.map((r) => r.through))].join(', ')}).`,
      '',
    );
    return out;
  }
  for (const g of groups) {
    out.push(`#### ${g.title}`, '');
    for (const r of g.rows) {
      if (!r.stages) continue;
      out.push(
        `**${r.through}**: ${int(r.stages.calls)} calls, overhead ${ms(r.stages.overheadMeanMs)} ms per call on average`,
        '',
        breakdownTable(r.stages),
        '',
      );
    }
    const without = g.rows.filter((r) => !r.stages).map((r) => r.through);
    if (without.length > 0)
      out.push(`– (no stage metrics on its /metrics): ${without.join(', ')}`, '');
  }
  return out;
};
