import type { CallRecord, InferenceReconciled } from '../../domain';
import type { CallLog, CallRecords, Clock, LlmGateway } from '../../ports';
import { backoffMs, reconciliationOf, type ReconcileSettings } from './reconciliation';

export type { ReconcileSettings } from './reconciliation';

/** What reconciling spend needs. */
export interface ReconcileSpendDeps {
  readonly records: Pick<CallRecords, 'unreconciled'>;
  readonly gateway: Pick<LlmGateway, 'generation'>;
  readonly log: CallLog;
  readonly clock: Clock;
  readonly settings: ReconcileSettings;
}

/** What one round did, for the log. */
export interface ReconcileRound {
  /** Calls whose reconciliation was appended. */
  readonly reconciled: readonly string[];
  /** Calls left at their estimate for good: `/generation` never had them in time. */
  readonly gaveUp: readonly GaveUp[];
  /** Asks (or the records' search, or the append) that failed, and the first reason. */
  readonly failed: number;
  readonly firstFailure: string | null;
  /** Calls waiting for their next ask. */
  readonly waiting: number;
  /** When the next round is due, in ms from now. */
  readonly nextInMs: number;
}

/** A call left at its estimate. */
interface GaveUp {
  readonly callId: string;
  readonly upstreamId: string;
}

/** A record to reconcile: cancelled or interrupted, its generation id known. */
type Candidate = CallRecord & {
  readonly upstreamId: string;
  readonly status: 'cancelled' | 'interrupted';
};

const candidateOf = (r: CallRecord): Candidate | undefined => {
  const { upstreamId, status } = r;
  if (upstreamId === null || !r.costEstimated) return undefined;
  return status === 'cancelled' || status === 'interrupted'
    ? { ...r, upstreamId, status }
    : undefined;
};

interface Pending {
  readonly record: Candidate;
  asked: number;
  dueAt: number;
}

/** Records read per search; more wait for the next one. */
const SCAN_LIMIT = 1000;
/** Asks to OpenRouter in flight at once. */
const ASKS_AT_ONCE = 4;

const why = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Reconciles spend recorded at an estimate: cancelled and interrupted calls whose generation id
 * is known are looked up in OpenRouter's `/generation` (404 until it is ready: asked again after
 * 1 s, 2 s, 4 s … up to `maxDelayMs`), and the real tokens and cost are appended as
 * `InferenceReconciled`, which the projections apply to the record and to usage. Past
 * `giveUpAfterMs` from the call's start it is left at its estimate. The records are searched
 * every `scanEveryMs`, so calls left by a crash or another instance are found after a restart;
 * the event id is derived from the call, so instances reconciling one call append it once.
 * Each call of the returned function runs one round.
 */
export const makeReconcileSpend = (d: ReconcileSpendDeps) => {
  const s = d.settings;
  const pending = new Map<string, Pending>();
  let nextScanAt = Number.NEGATIVE_INFINITY;
  const expired = (p: Pending, now: number) =>
    Date.parse(p.record.createdAt) + s.giveUpAfterMs <= now;

  /**
   * New candidates join; those no longer found leave: given up when too old (the search no
   * longer reaches them), else reconciled elsewhere.
   */
  const scan = async (now: number, gaveUp: GaveUp[]): Promise<void> => {
    const since = new Date(now - s.giveUpAfterMs + 1).toISOString();
    const found = await d.records.unreconciled(since, SCAN_LIMIT);
    const ids = new Set<string>();
    for (const r of found) {
      const record = candidateOf(r);
      if (!record) continue;
      ids.add(r.id);
      if (!pending.has(r.id)) pending.set(r.id, { record, asked: 0, dueAt: now });
    }
    if (found.length >= SCAN_LIMIT) return;
    for (const p of pending.values()) {
      if (ids.has(p.record.id)) continue;
      pending.delete(p.record.id);
      if (expired(p, now)) gaveUp.push({ callId: p.record.id, upstreamId: p.record.upstreamId });
    }
  };

  return async (signal?: AbortSignal): Promise<ReconcileRound> => {
    const now = d.clock.now();
    let failed = 0;
    let firstFailure: string | null = null;
    const fail = (reason: string) => {
      failed++;
      firstFailure ??= reason;
    };
    const gaveUp: GaveUp[] = [];
    if (now >= nextScanAt) {
      nextScanAt = now + s.scanEveryMs;
      await scan(now, gaveUp).catch((e: unknown) => fail(`reading the records failed: ${why(e)}`));
    }
    const asking: Pending[] = [];
    for (const p of pending.values()) {
      if (p.dueAt > now) continue;
      if (!expired(p, now)) asking.push(p);
      else {
        pending.delete(p.record.id);
        gaveUp.push({ callId: p.record.id, upstreamId: p.record.upstreamId });
      }
    }
    const answered: Array<{ p: Pending; e: InferenceReconciled }> = [];
    const later = (p: Pending) => {
      p.asked++;
      p.dueAt = now + backoffMs(s, p.asked);
    };
    for (let i = 0; i < asking.length && !signal?.aborted; i += ASKS_AT_ONCE) {
      const chunk = asking.slice(i, i + ASKS_AT_ONCE);
      const results = await Promise.all(
        chunk.map((p) => d.gateway.generation(p.record.upstreamId, signal)),
      );
      results.forEach((r, j) => {
        const p = chunk[j]!;
        if (r.isErr()) {
          fail(r.error.detail);
          later(p);
        } else if (r.value === 'not_ready') later(p);
        else answered.push({ p, e: reconciliationOf(p.record, r.value, d.clock.now()) });
      });
    }
    const reconciled: string[] = [];
    if (answered.length > 0) {
      try {
        await d.log.append(answered.map((a) => a.e));
        for (const { p } of answered) {
          pending.delete(p.record.id);
          reconciled.push(p.record.id);
        }
      } catch (e) {
        fail(`recording reconciliations failed: ${why(e)}`);
        for (const { p } of answered) later(p);
      }
    }
    let next = nextScanAt;
    for (const p of pending.values()) next = Math.min(next, p.dueAt);
    const nextInMs = Math.min(s.scanEveryMs, Math.max(0, next - d.clock.now()));
    return { reconciled, gaveUp, failed, firstFailure, waiting: pending.size, nextInMs };
  };
};

/** One round of reconciliation (see `makeReconcileSpend`). */
export type ReconcileSpend = ReturnType<typeof makeReconcileSpend>;
