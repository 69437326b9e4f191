import type { Measured } from './load';
import type { Usage } from './proc';

/** Who answered: the fake directly, a bare Node.js proxy, the service, or the peer gateway. */
export type Through = 'direct' | 'bare proxy' | 'ours' | 'ours /v1' | 'ours, cache hits' | 'peer';

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
  /** Call records the run added to PostgreSQL (ours only). */
  readonly logged?: number;
}

const ms = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '–');
const int = (x: number): string => Math.round(x).toLocaleString('en-US');
const cpuPerReq = (r: Row): string =>
  int((r.usage.cpuSeconds / Math.max(1, r.m.ok + r.m.errors)) * 1e6);
const logged = (r: Row): string =>
  r.logged === undefined
    ? '–'
    : `${int(r.logged)} / ${int(r.m.ok + r.m.errors)} / ${int(r.m.sent)}`;

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
      ]),
  );

/** Our overhead over the peer's, per rate and percentile (below 1: we add less). */
export const ratioTable = (rows: readonly Row[]): string => {
  const paced = rows.filter(
    (r) => r.kind !== 'saturation' && (r.through === 'ours' || r.through === 'ours /v1'),
  );
  return table(
    [
      'rate',
      'through',
      'ours p50 / p90 / p99 ms',
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
