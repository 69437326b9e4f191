import {
  breakdownOf,
  diffHistograms,
  histogramsOf,
  parseExposition,
  quantileOf,
} from '../../bench/lib/stages';

/** A histogram family in exposition text: cumulative counts per bound, then sum and count. */
const family = (
  name: string,
  sets: readonly { labels: string; buckets: readonly number[]; sum: number }[],
  bounds: readonly number[] = [0.001, 0.005, 0.01, 0.05],
): string =>
  [
    `# HELP ${name} test`,
    `# TYPE ${name} histogram`,
    ...sets.flatMap((s) => [
      ...bounds.map((le, i) => `${name}_bucket{le="${le}",${s.labels}} ${s.buckets[i]}`),
      `${name}_bucket{le="+Inf",${s.labels}} ${s.buckets[bounds.length]}`,
      `${name}_sum{${s.labels}} ${s.sum}`,
      `${name}_count{${s.labels}} ${s.buckets[bounds.length]}`,
    ]),
  ].join('\n');

const exposition = (k: number): string =>
  [
    '# HELP process_cpu_seconds_total x',
    '# TYPE process_cpu_seconds_total counter',
    `process_cpu_seconds_total ${k}`,
    family('headspace_call_stage_seconds', [
      // 100 calls per k: intent wait 1 ms each, intent work 2 ms, upstream work 20 ms.
      {
        labels: 'stage="intent",part="wait"',
        buckets: [100, 100, 100, 100, 100].map((c) => c * k),
        sum: 0.1 * k,
      },
      {
        labels: 'stage="intent",part="work"',
        buckets: [0, 100, 100, 100, 100].map((c) => c * k),
        sum: 0.2 * k,
      },
      {
        labels: 'stage="upstream",part="work"',
        buckets: [0, 0, 0, 100, 100].map((c) => c * k),
        sum: 2 * k,
      },
    ]),
    family('headspace_overhead_seconds', [
      // 4 ms each: 1 + 2 in stages, 1 not in any.
      {
        labels: 'route="/api/inference"',
        buckets: [0, 100, 100, 100, 100].map((c) => c * k),
        sum: 0.4 * k,
      },
    ]),
    'http_requests_total{method="POST",route="/api/inference",status="200"} 7',
  ].join('\n');

describe('the stage metrics the bench reads from /metrics', () => {
  it('parses samples, labels with escapes, +Inf and timestamps', () => {
    const s = parseExposition(
      [
        '# comment',
        '',
        'a_total 3',
        'b{x="1",y="q\\"uo\\\\te"} 2.5 1700000000000',
        'c_bucket{le="+Inf"} 4',
        'not a sample line',
      ].join('\n'),
    );
    expect(s).toEqual([
      { name: 'a_total', labels: {}, value: 3 },
      { name: 'b', labels: { x: '1', y: 'q"uo\\te' }, value: 2.5 },
      { name: 'c_bucket', labels: { le: '+Inf' }, value: 4 },
    ]);
  });

  it('diffs a histogram per label set, a set absent before counting from zero', () => {
    const before = histogramsOf(parseExposition(exposition(1)), 'headspace_call_stage_seconds');
    const after = histogramsOf(parseExposition(exposition(3)), 'headspace_call_stage_seconds');
    expect(before.size).toBe(3);
    const d = diffHistograms(before, after);
    const intent = [...d.values()].find(
      (h) => h.labels['part'] === 'work' && h.labels['stage'] === 'intent',
    )!;
    expect(intent.labels).toEqual({ stage: 'intent', part: 'work' });
    expect(intent.count).toBe(200);
    expect(intent.sum).toBeCloseTo(0.4);
    expect(intent.buckets.map((b) => b.count)).toEqual([0, 200, 200, 200, 200]);
    const fromNothing = diffHistograms(new Map(), after);
    expect([...fromNothing.values()][0]!.count).toBe(300);
  });

  it('estimates a quantile linearly within the bucket that holds it', () => {
    const buckets = [
      { le: 0.001, count: 0 },
      { le: 0.005, count: 100 },
      { le: Infinity, count: 100 },
    ];
    expect(quantileOf(buckets, 0.5)).toBeCloseTo(0.003);
    expect(
      quantileOf(
        [
          { le: 0.01, count: 10 },
          { le: Infinity, count: 10 },
        ],
        0.5,
      ),
    ).toBeCloseTo(0.005);
    // Past the last finite bound: that bound.
    expect(
      quantileOf(
        [
          { le: 0.01, count: 0 },
          { le: Infinity, count: 4 },
        ],
        0.5,
      ),
    ).toBe(0.01);
    expect(quantileOf([{ le: Infinity, count: 0 }], 0.5)).toBeNaN();
  });

  it('breaks one run down per stage: ms per call, share of the overhead, approximate p50', () => {
    const b = breakdownOf(exposition(1), exposition(2))!;
    expect(b.calls).toBe(100);
    expect(b.overheadMeanMs).toBeCloseTo(4);
    expect(b.routes).toEqual([
      { route: '/api/inference', count: 100, meanMs: expect.closeTo(4), p50Ms: expect.closeTo(3) },
    ]);
    expect(b.stages.map((s) => [s.stage, s.part])).toEqual([
      ['intent', 'wait'],
      ['intent', 'work'],
      ['upstream', 'work'],
    ]);
    const [wait, work, upstream] = b.stages;
    expect(wait!.meanMsPerCall).toBeCloseTo(1);
    expect(wait!.share).toBeCloseTo(0.25);
    expect(wait!.p50Ms).toBeCloseTo(0.5);
    expect(work!.meanMsPerCall).toBeCloseTo(2);
    expect(work!.share).toBeCloseTo(0.5);
    expect(upstream!.meanMsPerCall).toBeCloseTo(20);
    expect(upstream!.share).toBeNull();
    expect(b.otherMsPerCall).toBeCloseTo(1);
  });

  it('is null for a service without the stage metrics, which the bench then shows as –', () => {
    const old = 'http_requests_total{route="/api/inference"} 3\nprocess_cpu_seconds_total 1';
    expect(breakdownOf(old, old)).toBeNull();
    expect(breakdownOf('', '')).toBeNull();
  });
});
