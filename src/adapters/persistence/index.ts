/** PostgreSQL adapters: the event log with its projections, read models, embedded server. */
export * from './database';
export * from './knex-call-log';
export * from './knex-usage-read-model';
export * from './knex-call-records';
export * from './rebuild';
export * from './embedded/embedded-postgres';
export type { LogSink } from './drain';
export * from './knex-instance-leases';
