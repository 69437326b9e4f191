// The text parts of the page: status line, totals cards, latest calls and a call's detail.
// Each one is rebuilt from fresh data in a single DOM update, so nothing blinks on refresh.
import { STATUS_COLORS } from './charts.js';
import { int, msec, pct, usd, when } from './format.js';

const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') e.textContent = v;
    else if (v != null) e.setAttribute(k, v);
  }
  e.append(...children);
  return e;
};

const badge = (ok, text) => el('span', { class: `badge ${ok ? 'ok' : 'bad'}`, text });

/** The status line: enabled, circuit, upstream, call-log backlog, budgets when there are any. */
export const renderStatus = (s) => {
  const up = s.openrouter ?? {};
  const parts = [
    badge(s.enabled, s.enabled ? 'enabled' : `disabled: ${s.degradedReason ?? 'unknown'}`),
    badge(s.circuitBreaker === 'closed', `circuit ${s.circuitBreaker}`),
    badge(
      up.reachable !== false && up.authenticated !== false,
      up.reachable == null
        ? 'upstream not checked yet'
        : `upstream ${up.reachable ? 'reachable' : 'unreachable'}${up.authenticated === false ? ', key refused' : ''}`,
    ),
    badge((s.logging?.backlog ?? 0) === 0, `backlog ${int(s.logging?.backlog ?? 0)}`),
  ];
  for (const b of s.budgets ?? []) {
    parts.push(badge(b.remainingUsd > 0, `${b.name}: ${usd(b.spentUsd)} of ${usd(b.limitUsd)}`));
  }
  document.getElementById('status').replaceChildren(...parts);
};

const card = (name, label, value, shown, sub) =>
  el(
    'div',
    { class: 'card', 'data-total': name, 'data-value': String(value) },
    el('span', { class: 'label', text: label }),
    el('strong', { text: shown }),
    ...(sub ? [el('small', { text: sub })] : []),
  );

/** The totals of the window, from /usage; `latency` is the window's mean from the series. */
export const renderTotals = (u, latency) => {
  // Of the calls with an answer to cache or reuse; none (all failed, or no calls): no ratio.
  const cacheable = u.succeededCalls + u.cachedCalls;
  const hitRatio = cacheable === 0 ? null : u.cachedCalls / cacheable;
  const box = document.getElementById('totals');
  box.dataset.since = u.window.since ?? '';
  box.dataset.until = u.window.until ?? '';
  box.replaceChildren(
    card(
      'totalCalls',
      'Calls',
      u.totalCalls,
      int(u.totalCalls),
      `${int(u.failedCalls)} failed · ${int(u.rateLimitedCalls)} rate limited`,
    ),
    card('costUsd', 'Cost', u.costUsd, usd(u.costUsd)),
    card('inputTokens', 'Input tokens', u.inputTokens, int(u.inputTokens)),
    card('outputTokens', 'Output tokens', u.outputTokens, int(u.outputTokens)),
    card(
      'cacheHitRatio',
      'Cache hit ratio',
      hitRatio ?? '',
      pct(hitRatio),
      `${int(u.cachedCalls)} hits`,
    ),
    card('savedByCacheUsd', 'Saved by cache', u.savedByCacheUsd, usd(u.savedByCacheUsd)),
    card('failedCalls', 'Failed', u.failedCalls, int(u.failedCalls)),
    card('meanLatencyMs', 'Mean latency', latency ?? '', msec(latency)),
  );
};

/** Spend per consumer key in the window, dearest first ('' is calls made without a key). */
export const renderByKey = (byKey) => {
  const rows = Object.entries(byKey)
    .sort(([, a], [, b]) => b.costUsd - a.costUsd)
    .map(([key, k]) =>
      el(
        'tr',
        { 'data-key': key },
        el('td', { text: key || '(no key)' }),
        el('td', { text: int(k.calls) }),
        el('td', { text: int(k.failedCalls) }),
        el('td', { text: `${int(k.inputTokens)} / ${int(k.outputTokens)}` }),
        el('td', { 'data-cost': String(k.costUsd), text: usd(k.costUsd) }),
      ),
    );
  document.querySelector('#by-key tbody').replaceChildren(...rows);
};

/** The latest calls, each linking to its detail view. */
export const renderCalls = (calls) => {
  const rows = calls.map((c) =>
    el(
      'tr',
      { 'data-id': c.id },
      el('td', {}, el('a', { href: `#call=${c.id}`, text: when(c.createdAt) })),
      el(
        'td',
        {},
        el('span', { class: 'dot', style: null, 'data-status': c.status, text: c.status }),
      ),
      el('td', { text: c.level }),
      el('td', { text: c.model }),
      el('td', { text: `${int(c.inputTokens)} / ${int(c.outputTokens)}` }),
      el('td', { text: usd(c.costUsd) }),
      el('td', { class: 'err', text: c.errorMessage ?? '' }),
    ),
  );
  document.querySelector('#calls tbody').replaceChildren(...rows);
  for (const dot of document.querySelectorAll('#calls [data-status]')) {
    dot.style.setProperty('--c', STATUS_COLORS[dot.dataset.status] ?? '#888');
  }
};

/** A call record, every field, as the API returned it. */
export const renderDetail = (call) => {
  const box = document.getElementById('call-detail');
  if (!call) return void (box.hidden = true);
  const rows = Object.entries(call).map(([k, v]) =>
    el('tr', {}, el('th', { text: k }), el('td', { text: v == null ? '–' : String(v) })),
  );
  box.replaceChildren(
    el('h3', { text: `Call ${call.id}` }),
    el('table', {}, el('tbody', {}, ...rows)),
    el('a', { href: '#', text: 'close' }),
  );
  box.hidden = false;
};
