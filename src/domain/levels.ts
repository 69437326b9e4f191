/** The inference levels, lightest first; each maps to a model in config (FR5). */
export const LEVELS = ['turn', 'task', 'project', 'objective'] as const;

/** One inference level. */
export type Level = (typeof LEVELS)[number];

/** Model per level, as configured under `openrouter.models`. */
export type ModelMap = Readonly<Record<Level, string>>;

/** True when `value` names a level. */
export const isLevel = (value: unknown): value is Level =>
  typeof value === 'string' && (LEVELS as readonly string[]).includes(value);

/** The model configured for a level (FR5). */
export const selectModel = (models: ModelMap, level: Level): string => models[level];
