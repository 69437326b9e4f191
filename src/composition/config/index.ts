/** Configuration: CONTRACT §3's keys, defaults, environment overrides and validation. */
export * from './load';
export type { Config } from './schema';
