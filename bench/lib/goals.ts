import { overheadOf, pgCpuPerCall, table, type Row, type Through } from './report';

/** One target of issue 22 and whether this run met it. */
export interface Verdict {
  readonly goal: string;
  readonly measured: string;
  readonly met: boolean | null;
}

const find = (rows: readonly Row[], through: Through, kind: Row['kind'], rate?: number) =>
  rows.find((r) => r.through === through && r.kind === kind && r.rate === rate);

const ms = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '–');
const int = (x: number): string =>
  Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–';
/** Service CPU µs per response of a run. */
const cpuPerCall = (r: Row): number =>
  (r.usage.cpuSeconds / Math.max(1, r.m.ok + r.m.errors)) * 1e6;

/** The three columns of the goal table: before (--before-src), after (ours), the peer. */
const COLUMNS = [
  { head: 'before', service: 'before', cached: 'before, cache hits' },
  { head: 'after', service: 'ours', cached: 'ours, cache hits' },
  { head: 'Portkey, same run', service: 'peer', cached: undefined },
] as const;

/**
 * Issue 22's goal table, from the rows: before and after side by side with the peer in the same
 * run. "–": not measured in this run; "—": does not apply (the peer has no cache, no database).
 */
export const goalTable = (rows: readonly Row[]): string => {
  const overhead = (through: Through, rate: number, errors = false): string => {
    const r = find(rows, through, 'rate', rate);
    if (!r) return '–';
    const o = overheadOf(rows, r);
    return `${ms(o.p50)} / ${ms(o.p99)} ms${errors ? `, ${int(r.m.errors)} errors` : ''}`;
  };
  const saturation = (through: Through | undefined, f: (r: Row) => string): string => {
    if (through === undefined) return '—';
    const r = find(rows, through, 'saturation');
    return r ? f(r) : '–';
  };
  const perSecond = (r: Row) => `${int(r.m.rps)} /s`;
  const pg = (r: Row) => {
    const b = pgCpuPerCall(r, 'backendSeconds');
    const s = pgCpuPerCall(r, 'sharedSeconds');
    return Number.isFinite(b) ? `${int(b)} µs (+ ${int(s)} shared)` : '–';
  };
  const line = (label: string, cell: (c: (typeof COLUMNS)[number]) => string): string[] => [
    label,
    ...COLUMNS.map(cell),
  ];
  return table(
    ['', ...COLUMNS.map((c) => c.head)],
    [
      ...[200, 500].map((rate) =>
        line(`overhead p50 / p99 at ${rate} req/s`, (c) => overhead(c.service, rate)),
      ),
      line('overhead p50 / p99 at 1,000 req/s, errors', (c) => overhead(c.service, 1000, true)),
      line('saturation, unique inputs (req/s)', (c) => saturation(c.service, perSecond)),
      line('saturation, cache hits (req/s)', (c) => saturation(c.cached, perSecond)),
      line('service CPU µs per unique call at saturation', (c) =>
        saturation(c.service, (r) => `${int(cpuPerCall(r))} µs`),
      ),
      line('PostgreSQL CPU µs per unique call at saturation', (c) =>
        c.service === 'peer' ? '—' : saturation(c.service, pg),
      ),
    ],
  );
};

/** Issue 22's targets for `ours`, checked against this run (null: not measured). */
export const verdicts = (rows: readonly Row[]): Verdict[] => {
  const out: Verdict[] = [];
  const notMeasured = (goal: string, what: string): Verdict => ({
    goal,
    measured: `${what} not measured`,
    met: null,
  });
  for (const rate of [200, 500]) {
    const ours = find(rows, 'ours', 'rate', rate);
    const peer = find(rows, 'peer', 'rate', rate);
    for (const [k, factor] of [
      ['p50', 1.5],
      ['p99', 1],
    ] as const) {
      const goal = `overhead ${k} ≤ ${factor === 1 ? '' : `${factor} × `}Portkey's at ${rate} req/s`;
      if (!ours || !peer) {
        out.push(notMeasured(goal, ours ? 'peer' : 'ours'));
        continue;
      }
      const a = overheadOf(rows, ours)[k];
      const b = overheadOf(rows, peer)[k];
      out.push({
        goal,
        measured: `${ms(a)} ms vs ${ms(b)} ms (${b > 0 ? (a / b).toFixed(2) : '–'} ×)`,
        met: a <= factor * b,
      });
    }
  }
  const at1000 = find(rows, 'ours', 'rate', 1000);
  if (at1000) {
    const p99 = overheadOf(rows, at1000).p99;
    out.push(
      {
        goal: 'no errors at 1,000 req/s',
        measured: int(at1000.m.errors),
        met: at1000.m.errors === 0,
      },
      { goal: 'overhead p99 ≤ 25 ms at 1,000 req/s', measured: `${ms(p99)} ms`, met: p99 <= 25 },
    );
  } else out.push(notMeasured('at 1,000 req/s: no errors, overhead p99 ≤ 25 ms', '1,000 req/s'));
  const unique = find(rows, 'ours', 'saturation');
  const peer = find(rows, 'peer', 'saturation');
  const cached = find(rows, 'ours, cache hits', 'saturation');
  const before = find(rows, 'before', 'saturation');
  out.push(
    unique
      ? {
          goal: 'saturation, unique inputs ≥ 3,000 /s',
          measured: `${int(unique.m.rps)} /s`,
          met: unique.m.rps >= 3000,
        }
      : notMeasured('saturation, unique inputs ≥ 3,000 /s', 'ours'),
    unique && peer
      ? {
          goal: "saturation, unique inputs ≥ 3 × Portkey's",
          measured: `${int(unique.m.rps)} vs ${int(peer.m.rps)} /s (${(unique.m.rps / peer.m.rps).toFixed(2)} ×)`,
          met: unique.m.rps >= 3 * peer.m.rps,
        }
      : notMeasured("saturation, unique inputs ≥ 3 × Portkey's", unique ? 'peer' : 'ours'),
    cached
      ? {
          goal: 'saturation, cache hits ≥ 7,000 /s',
          measured: `${int(cached.m.rps)} /s`,
          met: cached.m.rps >= 7000,
        }
      : notMeasured('saturation, cache hits ≥ 7,000 /s', 'ours'),
    unique
      ? {
          goal: 'service CPU per unique call at saturation ≤ 300 µs',
          measured: `${int(cpuPerCall(unique))} µs`,
          met: cpuPerCall(unique) <= 300,
        }
      : notMeasured('service CPU per unique call at saturation ≤ 300 µs', 'ours'),
  );
  const pgGoal = "PostgreSQL CPU per unique call at saturation ≤ 0.5 × before's";
  const pgOurs = unique ? pgCpuPerCall(unique, 'backendSeconds') : Number.NaN;
  const pgBefore = before ? pgCpuPerCall(before, 'backendSeconds') : Number.NaN;
  out.push(
    Number.isFinite(pgOurs) && Number.isFinite(pgBefore)
      ? {
          goal: pgGoal,
          measured: `${int(pgOurs)} µs vs ${int(pgBefore)} µs (${(pgOurs / pgBefore).toFixed(2)} ×)`,
          met: pgOurs <= 0.5 * pgBefore,
        }
      : notMeasured(pgGoal, before ? 'PostgreSQL CPU' : 'before (--before-src)'),
  );
  return out;
};
