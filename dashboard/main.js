// The dashboard: reads /status, /usage, /usage/series and /calls, like any other client, and
// refreshes every 10 s in place.
import { getJson } from './api.js';
import { Chart, PALETTE, STATUS_COLORS } from './charts.js';
import { int, localInput, msec, usd } from './format.js';
import { renderByKey, renderCalls, renderDetail, renderStatus, renderTotals } from './views.js';

const API = '/api/inference';
const REFRESH_MS = 10_000;
const HOUR = 3_600_000;
/** Each preset range and the grain it is drawn at. */
const RANGES = {
  '1h': [HOUR, 'minute'],
  '24h': [24 * HOUR, 'hour'],
  '7d': [168 * HOUR, 'hour'],
  '30d': [720 * HOUR, 'hour'],
};

const state = {
  grain: undefined,
  range: '24h',
  since: null,
  until: null,
  level: '',
  project: '',
  key: '',
  stackBy: 'model',
  calls: [],
};
const $ = (id) => document.getElementById(id);

const charts = {
  cost: new Chart($('chart-cost'), { stacked: true, format: usd, emptyMax: 0.01 }),
  status: new Chart($('chart-status'), { stacked: true, format: int }),
  tokens: new Chart($('chart-tokens'), { format: int }),
  cache: new Chart($('chart-cache'), { format: (v) => `${v.toFixed(0)}%` }),
  latency: new Chart($('chart-latency'), { format: msec }),
};

/** The window asked for: a preset ending now, or the custom one. */
const window_ = () => {
  if (state.range === 'custom')
    return { since: state.since, until: state.until, grain: state.grain };
  const [span, grain] = RANGES[state.range];
  const until = new Date();
  return { since: new Date(until - span).toISOString(), until: until.toISOString(), grain };
};

const xsOf = (s) => (s?.points ?? []).map((p) => Date.parse(p.t) / 1000);
const layer = (label, color, values) => ({ label, color, values });

const draw = (all, stacked, byStatus) => {
  const total = all.series[0];
  const xs = xsOf(total);
  charts.cost.update(
    xs,
    stacked.series.map((s, i) =>
      layer(
        s.key ?? '(none)',
        PALETTE[i % PALETTE.length],
        s.points.map((p) => p.costUsd),
      ),
    ),
  );
  charts.status.update(
    xs,
    byStatus.series.map((s) =>
      layer(
        s.key,
        STATUS_COLORS[s.key] ?? '#888',
        s.points.map((p) => p.calls),
      ),
    ),
  );
  const pts = total.points;
  charts.tokens.update(xs, [
    layer(
      'input',
      PALETTE[0],
      pts.map((p) => p.inputTokens),
    ),
    layer(
      'output',
      PALETTE[1],
      pts.map((p) => p.outputTokens),
    ),
  ]);
  charts.cache.update(xs, [
    layer(
      'hit ratio',
      PALETTE[5],
      pts.map((p) => {
        // Of the calls that had an answer to cache or reuse: failures were never cacheable.
        const n = p.succeededCalls + p.cachedCalls;
        return n === 0 ? null : (100 * p.cachedCalls) / n;
      }),
    ),
  ]);
  charts.latency.update(xs, [
    layer(
      'latency',
      PALETTE[4],
      pts.map((p) => p.meanLatencyMs),
    ),
    layer(
      'time to first token',
      PALETTE[3],
      pts.map((p) => p.meanTtftMs),
    ),
  ]);
};

/** The window's mean latency, weighted by the succeeded calls of each bucket. */
const meanLatency = (points) => {
  let sum = 0,
    n = 0;
  for (const p of points)
    if (p.meanLatencyMs != null)
      ((sum += p.meanLatencyMs * p.succeededCalls), (n += p.succeededCalls));
  return n === 0 ? null : Math.round(sum / n);
};

const GRAIN_MS = { minute: 60_000, hour: HOUR, day: 24 * HOUR, week: 168 * HOUR };

/** The window the service will count for `w`: since down and until up to whole buckets. */
const widened = (w) => {
  const ms = GRAIN_MS[w.grain];
  if (!ms) return null;
  const since = Math.floor(Date.parse(w.since) / ms) * ms;
  const until = Math.max(Math.ceil(Date.parse(w.until) / ms) * ms, since + ms);
  return { since: new Date(since).toISOString(), until: new Date(until).toISOString() };
};

let generation = 0;

/** Fetches everything for the current controls and draws it; a stale answer is dropped. */
const refresh = async () => {
  const mine = ++generation;
  const w = window_();
  const filters = { level: state.level, projectId: state.project, keyId: state.key };
  try {
    const series = (extra) => getJson(`${API}/usage/series`, { ...w, ...filters, ...extra });
    // The series widens the window to whole buckets; when the grain is known the totals can be
    // asked for that same window at once, and are asked again only if it came out different.
    const guess = widened(w);
    const totals = (win) => getJson(`${API}/usage`, { ...win, ...filters, groupBy: 'key' });
    const [status, all, stacked, byStatus, projects, calls, early] = await Promise.all([
      getJson(`${API}/status`),
      series({}),
      series({ groupBy: state.stackBy }),
      series({ groupBy: 'status' }),
      // Only the keys matter here: day rows are the cheapest that still respect the window.
      series({ groupBy: 'project', projectId: '', grain: 'day' }),
      getJson(`${API}/calls`, { limit: 15, ...filters }),
      guess ? totals(guess) : null,
    ]);
    const same =
      early && early.window.since === all.window.since && early.window.until === all.window.until;
    const usage = same ? early : await totals(all.window);
    if (mine !== generation) return;
    renderStatus(status);
    renderTotals(usage, meanLatency(all.series[0]?.points ?? []));
    renderByKey(usage.byKey ?? {});
    $('keys').replaceChildren(
      ...Object.keys(usage.byKey ?? {})
        .filter((k) => k)
        .map((k) => new Option(k)),
    );
    $('window').textContent =
      `${new Date(all.window.since).toLocaleString()} – ${new Date(all.window.until).toLocaleString()} · ${all.grain} buckets`;
    $('projects').replaceChildren(
      ...projects.series.filter((s) => s.key).map((s) => new Option(s.key)),
    );
    draw(all, stacked, byStatus);
    state.calls = calls.calls;
    renderCalls(calls.calls);
    showDetail();
    $('error').hidden = true;
    document.body.dataset.rendered = String(Number(document.body.dataset.rendered ?? 0) + 1);
    if (document.body.dataset.rendered === '1') performance.mark('dashboard-rendered');
  } catch (e) {
    if (mine !== generation) return;
    $('error').textContent = `Could not refresh: ${e.message}`;
    $('error').hidden = false;
  }
};

const showDetail = () => {
  const id = /^#call=(.+)$/.exec(location.hash)?.[1];
  renderDetail(
    id
      ? (state.calls.find((c) => c.id === id) ?? { id, note: 'not among the latest calls' })
      : null,
  );
};

const selectRange = (range) => {
  state.range = range;
  for (const b of document.querySelectorAll('#ranges button'))
    b.setAttribute('aria-pressed', String(b.dataset.range === range));
  $('custom').hidden = range !== 'custom';
  if (range === 'custom') {
    const until = new Date();
    $('custom-since').value ||= localInput(new Date(until - 24 * HOUR));
    $('custom-until').value ||= localInput(until);
    return;
  }
  void refresh();
};

$('ranges').addEventListener(
  'click',
  (e) => e.target.dataset?.range && selectRange(e.target.dataset.range),
);
$('custom-apply').addEventListener('click', () => {
  state.grain = undefined;
  state.since = new Date($('custom-since').value).toISOString();
  state.until = new Date($('custom-until').value).toISOString();
  void refresh();
});
$('level').addEventListener('change', (e) => ((state.level = e.target.value), void refresh()));
$('project').addEventListener(
  'change',
  (e) => ((state.project = e.target.value.trim()), void refresh()),
);
$('key').addEventListener('change', (e) => ((state.key = e.target.value.trim()), void refresh()));
$('stack-by').addEventListener('change', (e) => ((state.stackBy = e.target.value), void refresh()));
$('controls').addEventListener('submit', (e) => e.preventDefault());
addEventListener('hashchange', showDetail);

// A link may carry the view: ?range=7d, or ?since=…&until=…[&grain=hour], &level=…, &project=…,
// &key=….
const link = new URLSearchParams(location.search);
state.level = $('level').value = link.get('level') ?? '';
state.project = $('project').value = link.get('project') ?? '';
state.key = $('key').value = link.get('key') ?? '';
if (link.get('since')) {
  state.since = new Date(link.get('since')).toISOString();
  state.until = new Date(link.get('until') ?? Date.now()).toISOString();
  state.grain = link.get('grain') ?? undefined;
  $('custom-since').value = localInput(new Date(state.since));
  $('custom-until').value = localInput(new Date(state.until));
  selectRange('custom');
  void refresh();
} else selectRange(RANGES[link.get('range')] ? link.get('range') : state.range);
setInterval(() => {
  if (!document.hidden && !$('token-dialog').open) void refresh();
}, REFRESH_MS);
