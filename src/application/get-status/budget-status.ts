import { limitNanos, usdFromNanos, type BudgetPeriod, type Level } from '../../domain';
import type { BudgetState } from '../../ports';

/** One budget as status and usage show it: its current period, in USD. */
export interface BudgetReport {
  readonly name: string;
  readonly period: BudgetPeriod;
  readonly level: Level | null;
  readonly projectId: string | null;
  /** The consumer key whose own budget this is; null for a configured (global) budget. */
  readonly keyId: string | null;
  readonly limitUsd: number;
  readonly spentUsd: number;
  /** Worst-case cost of calls in flight, held until they end. */
  readonly reservedUsd: number;
  /** What a new call may still reserve: never below 0. */
  readonly remainingUsd: number;
  /** When the current period ends and the budget starts again from 0 (ISO-8601 UTC). */
  readonly resetsAt: string;
}

/** The report of one budget's state. */
export const budgetReport = (s: BudgetState): BudgetReport => {
  const b = s.budget;
  const limit = limitNanos(b);
  return {
    name: b.name,
    period: b.period,
    level: b.level ?? null,
    projectId: b.projectId ?? null,
    keyId: b.keyId ?? null,
    limitUsd: usdFromNanos(limit),
    spentUsd: usdFromNanos(s.spentNanos),
    reservedUsd: usdFromNanos(s.reservedNanos),
    remainingUsd: usdFromNanos(Math.max(0, limit - s.spentNanos - s.reservedNanos)),
    resetsAt: new Date(s.resetsAt).toISOString(),
  };
};
