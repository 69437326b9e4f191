import type { CallLogEvent } from './call-log-events';
import type { InferenceEvent } from './events';
import type { Level } from './levels';
import { usdFromNanos } from './money';
import { addCounters, countSpendAs, zeroCounters, type UsageCounters } from './usage-counters';

/** Usage aggregates are kept per minute: the finest window the usage query answers exactly. */
export const BUCKET_MS = 60_000;

/** Floors an epoch-ms time to its usage bucket. */
export const bucketStart = (epochMs: number): number => Math.floor(epochMs / BUCKET_MS) * BUCKET_MS;

/** Rounds an epoch-ms time up to a bucket boundary. */
export const bucketEnd = (epochMs: number): number => Math.ceil(epochMs / BUCKET_MS) * BUCKET_MS;

/** The dimensions of one aggregate row. */
export interface UsageKey {
  readonly bucket: number;
  readonly level: Level;
  readonly model: string;
  readonly projectId: string | null;
  /** The consumer key; null (or absent) for calls made without one. */
  readonly keyId?: string | null;
}

/** An aggregate row's key and what an event adds to it. */
export interface UsageChange {
  readonly key: UsageKey;
  readonly delta: UsageCounters;
}

/**
 * The aggregate row an event adds to, and what it adds; null for an intent (`InferenceStarted`),
 * which counts nothing until its outcome, and for a generation id learnt on the way. A reconciliation adds the difference to the row of the
 * original record. Pure.
 */
export function usageDeltaOf(e: InferenceEvent): UsageChange;
export function usageDeltaOf(e: CallLogEvent): UsageChange | null;
export function usageDeltaOf(e: CallLogEvent): UsageChange | null {
  if (e.type === 'InferenceStarted' || e.type === 'InferenceUpstreamIdentified') return null;
  const delta = zeroCounters();
  if (e.type === 'InferenceReconciled') {
    const d = e.data;
    delta.inputTokens = d.inputTokens - d.previous.inputTokens;
    delta.outputTokens = d.outputTokens - d.previous.outputTokens;
    delta.costNanos = d.costNanos - d.previous.costNanos;
    delta.reportedCostNanos = (d.reportedCostNanos ?? 0) - (d.previous.reportedCostNanos ?? 0);
    countSpendAs(delta, d.status);
    const key: UsageKey = {
      bucket: bucketStart(Date.parse(d.callCreatedAt)),
      level: d.level,
      model: d.model,
      projectId: d.projectId,
      keyId: d.keyId ?? null,
    };
    return { key, delta };
  }
  const key: UsageKey = {
    bucket: bucketStart(Date.parse(e.occurredAt)),
    level: e.data.level,
    model: e.data.model,
    projectId: e.data.projectId,
    keyId: e.data.keyId ?? null,
  };
  delta.calls = 1;
  switch (e.type) {
    case 'InferenceSucceeded':
      delta.succeededCalls = 1;
      delta.inputTokens = e.data.inputTokens;
      delta.outputTokens = e.data.outputTokens;
      delta.reasoningTokens = e.data.reasoningTokens ?? 0;
      delta.costNanos = e.data.costNanos;
      delta.reportedCostNanos = e.data.reportedCostNanos ?? 0;
      delta.latencyMsSum = Math.round(e.data.latencyMs);
      delta.latencyCalls = 1;
      if (typeof e.data.ttftMs === 'number') {
        delta.ttftMsSum = Math.round(e.data.ttftMs);
        delta.ttftCalls = 1;
      }
      break;
    case 'InferenceFailed':
      // Billed even so when it reached upstream (invalid structured output).
      delta.failedCalls = 1;
      delta.inputTokens = e.data.inputTokens ?? 0;
      delta.outputTokens = e.data.outputTokens ?? 0;
      delta.reasoningTokens = e.data.reasoningTokens ?? 0;
      delta.costNanos = e.data.costNanos ?? 0;
      delta.reportedCostNanos = e.data.reportedCostNanos ?? 0;
      countSpendAs(delta, 'failed');
      break;
    case 'InferenceServedFromCache':
      delta.cachedCalls = 1;
      delta.savedNanos = e.data.savedNanos;
      break;
    case 'InferenceRateLimited':
      delta.rateLimitedCalls = 1;
      break;
    case 'InferenceCancelled':
      delta.cancelledCalls = 1;
      delta.inputTokens = e.data.inputTokens;
      delta.outputTokens = e.data.outputTokens;
      delta.costNanos = e.data.costNanos;
      delta.reportedCostNanos = e.data.reportedCostNanos ?? 0;
      countSpendAs(delta, 'cancelled');
      break;
    case 'InferenceInterrupted':
      delta.interruptedCalls = 1;
      delta.costNanos = e.data.costNanos;
      countSpendAs(delta, 'interrupted');
      break;
  }
  return { key, delta };
}

/** A usage query. Times are epoch ms; `until` is exclusive. */
export interface UsageQuery {
  readonly since?: number | undefined;
  readonly until?: number | undefined;
  readonly projectId?: string | undefined;
  readonly level?: Level | undefined;
  readonly keyId?: string | undefined;
  /** `key`: the report adds `byKey`, per consumer key ('' for calls made without one). */
  readonly groupBy?: 'key' | undefined;
}

/** Per-level or per-model figures in a usage report. */
export interface UsageBreakdown {
  readonly calls: number;
  readonly failedCalls: number;
  readonly cachedCalls: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
}

/** Calls by outcome and tokens, as a usage report and every point of a series give them. */
export interface UsageCounts {
  readonly succeededCalls: number;
  readonly failedCalls: number;
  readonly cachedCalls: number;
  readonly rateLimitedCalls: number;
  readonly cancelledCalls: number;
  readonly interruptedCalls: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly reasoningTokens: number;
}

/** The usage report the HTTP API answers. */
export interface UsageReport extends UsageCounts {
  readonly window: { readonly since: string | null; readonly until: string | null };
  readonly totalCalls: number;
  readonly costUsd: number;
  readonly reportedCostUsd: number;
  readonly savedByCacheUsd: number;
  readonly byLevel: Record<string, UsageBreakdown>;
  readonly byModel: Record<string, UsageBreakdown>;
  /** With `groupBy=key`: per consumer key id ('' for calls made without a key). */
  readonly byKey?: Record<string, UsageBreakdown>;
  /** Set only when the aggregates had not caught up within the read's wait: complete to here. */
  readonly asOf?: string;
  /** With `asOf`: how far behind the log the aggregates were. */
  readonly lagMs?: number;
}

/** One aggregate row as a read model returns it. */
export interface UsageRow {
  readonly level: Level;
  readonly model: string;
  /** The consumer key ('' or absent: none). */
  readonly keyId?: string;
  readonly counters: UsageCounters;
}

const breakdown = (c: UsageCounters): UsageBreakdown => ({
  calls: c.calls,
  failedCalls: c.failedCalls,
  cachedCalls: c.cachedCalls,
  inputTokens: c.inputTokens,
  outputTokens: c.outputTokens,
  costUsd: usdFromNanos(c.costNanos),
});

/**
 * Builds the report from aggregate rows already filtered to the query, with the window widened
 * to whole buckets (see `usageWindow`).
 */
export const usageReport = (rows: Iterable<UsageRow>, query: UsageQuery): UsageReport => {
  const total = zeroCounters();
  const byLevel = new Map<string, UsageCounters>();
  const byModel = new Map<string, UsageCounters>();
  const byKey = new Map<string, UsageCounters>();
  for (const row of rows) {
    addCounters(total, row.counters);
    addCounters(getOrZero(byLevel, row.level), row.counters);
    addCounters(getOrZero(byModel, row.model), row.counters);
    if (query.groupBy === 'key') addCounters(getOrZero(byKey, row.keyId ?? ''), row.counters);
  }
  const w = usageWindow(query);
  return {
    window: {
      since: w.since === undefined ? null : new Date(w.since).toISOString(),
      until: w.until === undefined ? null : new Date(w.until).toISOString(),
    },
    totalCalls: total.calls,
    succeededCalls: total.succeededCalls,
    failedCalls: total.failedCalls,
    cachedCalls: total.cachedCalls,
    rateLimitedCalls: total.rateLimitedCalls,
    cancelledCalls: total.cancelledCalls,
    interruptedCalls: total.interruptedCalls,
    inputTokens: total.inputTokens,
    outputTokens: total.outputTokens,
    reasoningTokens: total.reasoningTokens,
    costUsd: usdFromNanos(total.costNanos),
    reportedCostUsd: usdFromNanos(total.reportedCostNanos),
    savedByCacheUsd: usdFromNanos(total.savedNanos),
    byLevel: mapToBreakdowns(byLevel),
    byModel: mapToBreakdowns(byModel),
    ...(query.groupBy === 'key' ? { byKey: mapToBreakdowns(byKey) } : {}),
  };
};

/** The window actually counted: `since` rounded down and `until` up to whole buckets. */
export const usageWindow = (q: UsageQuery): { since?: number; until?: number } => ({
  ...(q.since === undefined ? {} : { since: bucketStart(q.since) }),
  ...(q.until === undefined ? {} : { until: bucketEnd(q.until) }),
});

/** True when an aggregate row's key falls inside the query. */
export const matchesQuery = (key: UsageKey, q: UsageQuery): boolean => {
  const w = usageWindow(q);
  return (
    (w.since === undefined || key.bucket >= w.since) &&
    (w.until === undefined || key.bucket < w.until) &&
    (q.level === undefined || key.level === q.level) &&
    (q.projectId === undefined || key.projectId === q.projectId) &&
    (q.keyId === undefined || (key.keyId ?? '') === q.keyId)
  );
};

const getOrZero = (m: Map<string, UsageCounters>, k: string): UsageCounters => {
  let c = m.get(k);
  if (!c) m.set(k, (c = zeroCounters()));
  return c;
};

const mapToBreakdowns = (m: Map<string, UsageCounters>): Record<string, UsageBreakdown> =>
  Object.fromEntries([...m].map(([k, c]) => [k, breakdown(c)]));
