/** Configuration: the keys, their defaults, environment overrides and validation. */
export * from './load';
export type { Config } from './schema';
export type { BudgetConfig, BudgetPeriod, FallbackMap } from './lists';
