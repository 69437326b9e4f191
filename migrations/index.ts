import type { Knex } from 'knex';
import * as eventLog from './20260101000001_event_log';
import * as inferenceCalls from './20260101000002_inference_calls';
import * as usageByGrain from './20260101000003_usage_by_grain';
import * as projectionCheckpoints from './20260101000004_projection_checkpoints';
import * as usageWeek from './20260101000005_usage_week';
import * as spendDurability from './20261201120001_spend_durability';
import * as richerRequests from './20261201130001_richer_requests';
import * as streamingColumns from './20261201140001_streaming_columns';
import * as usageLatency from './20261201160001_usage_latency';
import * as usageHourAllProjects from './20261201160002_usage_hour_all_projects';
import * as dropProjectionCheckpoints from './20261201170001_drop_projection_checkpoints';
import * as usageSpendByStatus from './20261201170002_usage_spend_by_status';
import * as unreconciledIndex from './20261201180001_unreconciled_index';
import * as usageProjector from './20261207120001_usage_projector';
import * as traceId from './20261207220001_trace_id';
import * as consumerKeys from './20261208010001_consumer_keys';
import * as usageByKey from './20261208010002_usage_by_key';
import * as partitionedCallLog from './20261208020001_partitioned_call_log';

/** One migration: its name as recorded in `knex_migrations`, and its steps. */
export interface NamedMigration {
  readonly name: string;
  readonly up: (knex: Knex) => Promise<void>;
  readonly down: (knex: Knex) => Promise<void>;
}

/**
 * Every migration, oldest first. Imported statically (not found by scanning a directory) so the
 * same list runs under ts-jest, tsx and compiled `dist/`; add new ones at the end.
 */
export const MIGRATIONS: readonly NamedMigration[] = [
  { name: '20260101000001_event_log', ...eventLog },
  { name: '20260101000002_inference_calls', ...inferenceCalls },
  { name: '20260101000003_usage_by_grain', ...usageByGrain },
  { name: '20260101000004_projection_checkpoints', ...projectionCheckpoints },
  { name: '20260101000005_usage_week', ...usageWeek },
  { name: '20261201120001_spend_durability', ...spendDurability },
  { name: '20261201130001_richer_requests', ...richerRequests },
  { name: '20261201140001_streaming_columns', ...streamingColumns },
  { name: '20261201160001_usage_latency', ...usageLatency },
  { name: '20261201160002_usage_hour_all_projects', ...usageHourAllProjects },
  { name: '20261201170001_drop_projection_checkpoints', ...dropProjectionCheckpoints },
  { name: '20261201170002_usage_spend_by_status', ...usageSpendByStatus },
  { name: '20261201180001_unreconciled_index', ...unreconciledIndex },
  { name: '20261207120001_usage_projector', ...usageProjector },
  { name: '20261207220001_trace_id', ...traceId },
  { name: '20261208010001_consumer_keys', ...consumerKeys },
  { name: '20261208010002_usage_by_key', ...usageByKey },
  { name: '20261208020001_partitioned_call_log', ...partitionedCallLog },
];
