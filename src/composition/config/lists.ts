import { z } from 'zod';
import { LEVELS } from '../../domain';
import { nonEmpty, section, stringList, type DeepReadonly } from './fields';

/** Fallback models per level: `{ <level>: [model…] }`. */
export const fallbacksSchema = section({
  turn: stringList().optional(),
  task: stringList().optional(),
  project: stringList().optional(),
  objective: stringList().optional(),
}).prefault({});

/** Fallback models per level, as configured under `openrouter.fallbacks`. */
export type FallbackMap = DeepReadonly<z.output<typeof fallbacksSchema>>;

const PERIODS = ['day', 'week', 'month'] as const;

/** A calendar period in UTC: `week` starts on Monday. */
export type BudgetPeriod = (typeof PERIODS)[number];

/** One spend cap: `{ name, period, limit_usd, level?, project_id? }`. */
export const budgetSchema = section({
  name: nonEmpty(),
  period: z.enum(PERIODS, { error: 'one of day, week, month' }),
  limit_usd: z.number({ error: 'a positive number' }).positive({ error: 'a positive number' }),
  /** Only calls at this level count; every level when absent. */
  level: z.enum(LEVELS, { error: `one of ${LEVELS.join(', ')}` }).optional(),
  /** Only calls for this project count; every project when absent. */
  project_id: nonEmpty().optional(),
});

/** One spend cap, as configured under `budgets`. */
export type BudgetConfig = DeepReadonly<z.output<typeof budgetSchema>>;

/** The `budgets` list; names unique. */
export const budgetsSchema = z
  .array(budgetSchema, { error: 'a list of budgets' })
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((b, i) => {
      if (seen.has(b.name)) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'name'],
          input: b.name,
          message: 'a name no other budget has',
        });
      }
      seen.add(b.name);
    });
  })
  .default([]);
