/**
 * Where one call's overhead goes, from the service's own `/metrics` (Prometheus text):
 * `headspace_call_stage_seconds{stage,part}` and `headspace_overhead_seconds{route}`, two
 * histograms. The bench scrapes them before and after a run and diffs `_sum`, `_count` and the
 * cumulative buckets per label set. A service without them (an older version) gives null.
 */

/** The per-stage histogram: stage ∈ admit, intent, upstream, outcome, respond; part ∈ wait, work. */
export const STAGE_METRIC = 'headspace_call_stage_seconds';
/** A call's time minus its upstream time, per route. */
export const OVERHEAD_METRIC = 'headspace_overhead_seconds';

/** One sample line of an exposition. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*/;

const numberOf = (token: string): number => {
  if (token === '+Inf' || token === 'Inf') return Infinity;
  if (token === '-Inf') return -Infinity;
  return Number(token);
};

/** One sample line (`name{a="b",…} value [timestamp]`), or undefined if it is not one. */
const sampleOf = (line: string): Sample | undefined => {
  const name = NAME.exec(line)?.[0];
  if (!name) return undefined;
  let i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i++;
    for (;;) {
      while (line[i] === ' ' || line[i] === ',') i++;
      if (line[i] === '}') {
        i++;
        break;
      }
      const label = LABEL.exec(line.slice(i))?.[0];
      if (!label) return undefined;
      i += label.length;
      while (line[i] === ' ') i++;
      if (line[i] !== '=' || line[i + 1] !== '"') return undefined;
      i += 2;
      let value = '';
      for (;;) {
        const c = line[i];
        if (c === undefined) return undefined;
        i++;
        if (c === '"') break;
        if (c === '\\') {
          const e = line[i++];
          value += e === 'n' ? '\n' : (e ?? '');
        } else value += c;
      }
      labels[label] = value;
    }
  }
  const token = line.slice(i).trim().split(/\s+/)[0];
  if (token === undefined || token === '') return undefined;
  const value = numberOf(token);
  return Number.isNaN(value) && token !== 'NaN' ? undefined : { name, labels, value };
};

/** Every sample of a Prometheus text exposition (comments and blank lines skipped). */
export const parseExposition = (text: string): Sample[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map(sampleOf)
    .filter((s): s is Sample => s !== undefined);

/** One label set of a histogram: cumulative bucket counts by upper bound, sum and count. */
export interface Histogram {
  readonly labels: Readonly<Record<string, string>>;
  readonly sum: number;
  readonly count: number;
  /** Ascending by `le`, cumulative, the last one `+Inf`. */
  readonly buckets: readonly { readonly le: number; readonly count: number }[];
}

const keyOf = (labels: Readonly<Record<string, string>>): string =>
  JSON.stringify(
    Object.keys(labels)
      .filter((k) => k !== 'le')
      .sort()
      .map((k) => [k, labels[k]]),
  );

/** The histogram `name` of an exposition, one entry per label set (keyed without `le`). */
export const histogramsOf = (samples: readonly Sample[], name: string): Map<string, Histogram> => {
  const out = new Map<
    string,
    {
      labels: Record<string, string>;
      sum: number;
      count: number;
      buckets: { le: number; count: number }[];
    }
  >();
  const entry = (labels: Readonly<Record<string, string>>) => {
    const key = keyOf(labels);
    let h = out.get(key);
    if (!h) {
      const own = Object.fromEntries(Object.entries(labels).filter(([k]) => k !== 'le'));
      h = { labels: own, sum: 0, count: 0, buckets: [] };
      out.set(key, h);
    }
    return h;
  };
  for (const s of samples) {
    if (s.name === `${name}_sum`) entry(s.labels).sum = s.value;
    else if (s.name === `${name}_count`) entry(s.labels).count = s.value;
    else if (s.name === `${name}_bucket` && s.labels['le'] !== undefined)
      entry(s.labels).buckets.push({ le: numberOf(s.labels['le']), count: s.value });
  }
  for (const h of out.values()) h.buckets.sort((a, b) => a.le - b.le);
  return out;
};

/** after − before, per label set (a label set missing before counts from zero). */
export const diffHistograms = (
  before: ReadonlyMap<string, Histogram>,
  after: ReadonlyMap<string, Histogram>,
): Map<string, Histogram> => {
  const out = new Map<string, Histogram>();
  for (const [key, a] of after) {
    const b = before.get(key);
    const earlier = (le: number) => b?.buckets.find((x) => x.le === le)?.count ?? 0;
    out.set(key, {
      labels: a.labels,
      sum: a.sum - (b?.sum ?? 0),
      count: a.count - (b?.count ?? 0),
      buckets: a.buckets.map((x) => ({ le: x.le, count: x.count - earlier(x.le) })),
    });
  }
  return out;
};

/**
 * The q-quantile of a histogram's observations, as Prometheus' histogram_quantile estimates it:
 * linear within the bucket that holds the rank (from 0 for the first bucket); the highest finite
 * bound when it falls in +Inf. NaN with no observations.
 */
export const quantileOf = (buckets: Histogram['buckets'], q: number): number => {
  const total = buckets[buckets.length - 1]?.count ?? 0;
  if (total <= 0) return Number.NaN;
  const rank = q * total;
  for (let i = 0; i < buckets.length; i++) {
    const b = buckets[i]!;
    if (b.count < rank) continue;
    const lower = i === 0 ? 0 : buckets[i - 1]!.le;
    if (b.le === Infinity) return lower;
    const below = i === 0 ? 0 : buckets[i - 1]!.count;
    const inBucket = b.count - below;
    return inBucket <= 0 ? b.le : lower + ((b.le - lower) * (rank - below)) / inBucket;
  }
  return buckets[buckets.length - 1]!.le;
};

/** One stage and part of a call over one run. */
export interface StageLine {
  readonly stage: string;
  readonly part: string;
  /** Observations of this stage and part in the run. */
  readonly count: number;
  /** Its time in the run ÷ the calls of the run (so the lines add up to a call), ms. */
  readonly meanMsPerCall: number;
  /** Approximate median of one observation, from the buckets, ms. */
  readonly p50Ms: number;
  /** Its share of the overhead (null for the upstream's own work, which is not overhead). */
  readonly share: number | null;
}

/** What the stage metrics say about one run. */
export interface Breakdown {
  /** Calls in the run (the overhead histogram's count over every route). */
  readonly calls: number;
  readonly overheadMeanMs: number;
  readonly routes: readonly {
    readonly route: string;
    readonly count: number;
    readonly meanMs: number;
    readonly p50Ms: number;
  }[];
  readonly stages: readonly StageLine[];
  /** Overhead not in any stage (overhead − every stage but the upstream's work), ms per call. */
  readonly otherMsPerCall: number;
}

const STAGES = ['admit', 'intent', 'upstream', 'outcome', 'respond'];
const PARTS = ['wait', 'work'];
const rankOf = (list: readonly string[], x: string) => {
  const i = list.indexOf(x);
  return i < 0 ? list.length : i;
};
/** The upstream's own time: not part of the overhead. */
const isUpstreamWork = (stage: string, part: string) => stage === 'upstream' && part === 'work';

/**
 * The breakdown of one run from the expositions scraped before and after it; null when the
 * service exposes neither histogram (an older version), so the report shows "–".
 */
export const breakdownOf = (before: string, after: string): Breakdown | null => {
  const [b, a] = [parseExposition(before), parseExposition(after)];
  const has = (n: string) => a.some((s) => s.name === `${n}_count`);
  if (!has(STAGE_METRIC) && !has(OVERHEAD_METRIC)) return null;
  const stages = diffHistograms(histogramsOf(b, STAGE_METRIC), histogramsOf(a, STAGE_METRIC));
  const overhead = diffHistograms(
    histogramsOf(b, OVERHEAD_METRIC),
    histogramsOf(a, OVERHEAD_METRIC),
  );
  const routes = [...overhead.values()]
    .filter((h) => h.count > 0)
    .map((h) => ({
      route: h.labels['route'] ?? '',
      count: h.count,
      meanMs: (h.sum / h.count) * 1000,
      p50Ms: quantileOf(h.buckets, 0.5) * 1000,
    }));
  const overheadSum = [...overhead.values()].reduce((t, h) => t + h.sum, 0);
  const overheadCount = routes.reduce((t, r) => t + r.count, 0);
  const calls = overheadCount || Math.max(0, ...[...stages.values()].map((h) => h.count));
  const per = (seconds: number) => (calls > 0 ? (seconds / calls) * 1000 : Number.NaN);
  const lines = [...stages.values()]
    .filter((h) => h.count > 0)
    .map((h): StageLine => {
      const stage = h.labels['stage'] ?? '';
      const part = h.labels['part'] ?? '';
      return {
        stage,
        part,
        count: h.count,
        meanMsPerCall: per(h.sum),
        p50Ms: quantileOf(h.buckets, 0.5) * 1000,
        share: isUpstreamWork(stage, part) || overheadSum <= 0 ? null : h.sum / overheadSum,
      };
    })
    .sort(
      (x, y) =>
        rankOf(STAGES, x.stage) - rankOf(STAGES, y.stage) ||
        x.stage.localeCompare(y.stage) ||
        rankOf(PARTS, x.part) - rankOf(PARTS, y.part),
    );
  const inStages = [...stages.values()]
    .filter((h) => !isUpstreamWork(h.labels['stage'] ?? '', h.labels['part'] ?? ''))
    .reduce((t, h) => t + h.sum, 0);
  return {
    calls,
    overheadMeanMs: per(overheadSum),
    routes,
    stages: lines,
    otherMsPerCall: overheadCount > 0 ? per(overheadSum - inStages) : Number.NaN,
  };
};

/** The exposition at `url`, or null when there is none (no route, refused, not reachable). */
export const scrape = async (
  url: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<string | null> => {
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(5000) });
    const text = await res.text();
    return res.ok ? text : null;
  } catch {
    return null;
  }
};
