import { isLevel, type Level } from '../../domain';
import type { Rule } from './rules';

/** Fallback models per level, as configured under `openrouter.fallbacks`. */
export type FallbackMap = Readonly<Partial<Record<Level, readonly string[]>>>;

/** A calendar period in UTC: `week` starts on Monday. */
export type BudgetPeriod = 'day' | 'week' | 'month';

/** One spend cap, as configured under `budgets`. */
export interface BudgetConfig {
  readonly name: string;
  readonly period: BudgetPeriod;
  readonly limitUsd: number;
  /** Only calls at this level count; every level when absent. */
  readonly level?: Level;
  /** Only calls for this project count; every project when absent. */
  readonly projectId?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isModelList = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((s) => typeof s === 'string' && s.trim() !== '');

/** `{ <level>: [model…] }`. */
export const fallbackMap: Rule<FallbackMap> = {
  parse: (v) =>
    isObject(v) && Object.entries(v).every(([k, list]) => isLevel(k) && isModelList(list))
      ? (v as FallbackMap)
      : undefined,
  expects: 'a mapping from a level (turn, task, project, objective) to a list of model names',
};

const BUDGET_KEYS = new Set(['name', 'period', 'limit_usd', 'level', 'project_id']);
const budgetOf = (v: unknown): BudgetConfig | undefined => {
  if (!isObject(v) || !Object.keys(v).every((k) => BUDGET_KEYS.has(k))) return undefined;
  const { name, period, limit_usd: limit, level, project_id: projectId } = v;
  if (typeof name !== 'string' || name.trim() === '') return undefined;
  if (period !== 'day' && period !== 'week' && period !== 'month') return undefined;
  if (typeof limit !== 'number' || !Number.isFinite(limit) || limit <= 0) return undefined;
  if (level !== undefined && !isLevel(level)) return undefined;
  if (projectId !== undefined && (typeof projectId !== 'string' || projectId === '')) {
    return undefined;
  }
  return {
    name,
    period,
    limitUsd: limit,
    ...(level !== undefined ? { level } : {}),
    ...(projectId !== undefined ? { projectId } : {}),
  };
};

/** `[{ name, period, limit_usd, level?, project_id? }]`, names unique. */
export const budgetList: Rule<readonly BudgetConfig[]> = {
  parse: (v) => {
    if (!Array.isArray(v)) return undefined;
    const out = v.map(budgetOf);
    if (out.some((b) => b === undefined)) return undefined;
    const budgets = out as BudgetConfig[];
    return new Set(budgets.map((b) => b.name)).size === budgets.length ? budgets : undefined;
  },
  expects:
    'a list of { name, period: day|week|month, limit_usd > 0, level?, project_id? } with unique names',
};
