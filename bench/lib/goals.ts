import { overheadOf, type Row } from './report';

/** One target of issue 7 and whether this run met it. */
export interface Verdict {
  readonly goal: string;
  readonly measured: string;
  readonly met: boolean | null;
}

const find = (rows: readonly Row[], through: Row['through'], kind: Row['kind'], rate?: number) =>
  rows.find((r) => r.through === through && r.kind === kind && r.rate === rate);

/** The targets, checked against this run (null: not measured). */
export const verdicts = (rows: readonly Row[]): Verdict[] => {
  const out: Verdict[] = [];
  const at500 = find(rows, 'ours', 'rate', 500);
  if (at500) {
    const o = overheadOf(rows, at500);
    out.push(
      {
        goal: 'overhead p50 ≤ 0.5 ms at 500 req/s',
        measured: `${o.p50.toFixed(2)} ms`,
        met: o.p50 <= 0.5,
      },
      {
        goal: 'overhead p99 ≤ 2 ms at 500 req/s',
        measured: `${o.p99.toFixed(2)} ms`,
        met: o.p99 <= 2,
      },
      {
        goal: 'zero errors at 500 req/s',
        measured: String(at500.m.errors),
        met: at500.m.errors === 0,
      },
    );
  }
  const v1 = find(rows, 'ours /v1', 'rate', 500);
  if (at500 && v1) {
    const native = overheadOf(rows, at500);
    const openAi = overheadOf(rows, v1);
    for (const k of ['p50', 'p99'] as const) {
      out.push({
        goal: `/v1 overhead ${k} ≤ 1.1 × the native route's at 500 req/s`,
        measured: `${openAi[k].toFixed(2)} ms vs ${native[k].toFixed(2)} ms`,
        met: openAi[k] <= 1.1 * native[k],
      });
    }
  }
  const unique = find(rows, 'ours', 'saturation');
  const cached = find(rows, 'ours, cache hits', 'saturation');
  const rps = (r: Row | undefined) => (r ? `${Math.round(r.m.rps)} req/s` : 'not run');
  out.push(
    {
      goal: '≥ 3,000 req/s, unique inputs, logged',
      measured: rps(unique),
      met: unique ? unique.m.rps >= 3000 : null,
    },
    {
      goal: '≥ 8,000 req/s, cache hits',
      measured: rps(cached),
      met: cached ? cached.m.rps >= 8000 : null,
    },
  );
  for (const r of rows.filter((x) => x.through === 'ours' && x.kind === 'rate')) {
    const peer = find(rows, 'peer', 'rate', r.rate);
    const ours = overheadOf(rows, r);
    const theirs = peer ? overheadOf(rows, peer) : undefined;
    for (const k of ['p50', 'p99'] as const) {
      const ratio = theirs && theirs[k] > 0 ? ours[k] / theirs[k] : Number.NaN;
      out.push({
        goal: `overhead ${k} ≤ 0.5 × peer's at ${r.rate} req/s`,
        measured: Number.isFinite(ratio) ? `${ratio.toFixed(2)} ×` : 'peer not measured',
        met: Number.isFinite(ratio) ? ratio <= 0.5 : null,
      });
    }
  }
  return out;
};
