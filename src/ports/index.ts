/** Ports: what the application needs from the outside world, as types over the domain only. */
export type * from './clock';
export type * from './llm-gateway';
export type * from './llm-stream';
export type * from './call-log';
export type * from './cache';
export type * from './rate-limiter';
export type * from './read-models';
export type * from './event-publisher';
export type * from './shared-store';
export type * from './instance-leases';
export type * from './schema-validator';
export type * from './budget-ledger';
export type * from './call-observer';
export type * from './key-store';
