/** PostgreSQL adapters: the event log with its projections, read models, embedded server. */
export * from './database';
export * from './append/knex-call-log';
export * from './read-models/knex-usage-read-model';
export * from './read-models/knex-call-records';
export * from './projections/rebuild';
export * from './embedded/embedded-postgres';
export type { LogSink } from './append/drain';
export * from './append/knex-instance-leases';
export * from './database-availability';
export * from './read-models/when-available';
export * from './projector/usage-projector';
export { describeError, isTransient, publicDescription } from './append/transient';
export * from './retention/knex-retention';
export { RETENTION_LOCK, DAY_MS } from './retention/partitions';
export type { ManifestEntry } from './retention/archive';
export * from './retention/knex-storage-stats';
export type * from './retention/retention-report';
