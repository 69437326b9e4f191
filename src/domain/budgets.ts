import type { Level } from './levels';
import type { NanoUsd } from './money';

/** A calendar period in UTC: `week` starts on Monday. */
export type BudgetPeriod = 'day' | 'week' | 'month';

/** One spend cap, as configured under `budgets`. */
export interface Budget {
  readonly name: string;
  readonly period: BudgetPeriod;
  readonly limitUsd: number;
  /** Only calls at this level count; every level when absent. */
  readonly level?: Level | undefined;
  /** Only calls for this project count; every project when absent. */
  readonly projectId?: string | undefined;
  /** A consumer key's own budget: only that key's calls count. Global when absent. */
  readonly keyId?: string | undefined;
}

/** A period's bounds in epoch ms: `start` inclusive, `end` exclusive. */
export interface PeriodWindow {
  readonly start: number;
  readonly end: number;
}

const DAY_MS = 86_400_000;

/** The calendar period (UTC) that holds `epochMs`. */
export const periodWindow = (period: BudgetPeriod, epochMs: number): PeriodWindow => {
  const day = Math.floor(epochMs / DAY_MS);
  if (period === 'day') return { start: day * DAY_MS, end: (day + 1) * DAY_MS };
  if (period === 'week') {
    // 1970-01-01 was a Thursday: three days after a Monday.
    const monday = day - ((((day + 3) % 7) + 7) % 7);
    return { start: monday * DAY_MS, end: (monday + 7) * DAY_MS };
  }
  const d = new Date(day * DAY_MS);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  return { start: Date.UTC(y, m, 1), end: Date.UTC(y, m + 1, 1) };
};

/**
 * True when a call at `level` for `projectId`, made with key `keyId` (null: none), counts
 * against `budget`. A global budget counts every call; a key's budget only that key's.
 */
export const budgetMatches = (
  budget: Budget,
  level: Level,
  projectId: string | null,
  keyId: string | null = null,
): boolean =>
  (budget.level === undefined || budget.level === level) &&
  (budget.projectId === undefined || budget.projectId === projectId) &&
  (budget.keyId === undefined || budget.keyId === keyId);

/** A budget's limit in nano-USD. */
export const limitNanos = (budget: Budget): NanoUsd => Math.round(budget.limitUsd * 1e9);

/** A settled amount that is not a number keeps the reservation: never count "free". */
export const settledNanos = (actual: number, reserved: number): number =>
  Number.isFinite(actual) ? Math.max(0, Math.round(actual)) : reserved;
