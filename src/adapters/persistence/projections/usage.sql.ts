import { usageDeltaOf, type CallLogEvent, type UsageChange } from '../../../domain';
import { usageProjection } from '../../../application';
import { GRAINS, HOUR_ALL_PROJECTS, type Grain } from '../read-models/usage-ranges';
import type { PayloadField, SqlProjection } from './sql-projection';
import { COUNTER_LIST, COUNTERS } from './usage-counter-columns';

const KEY_FIELDS: readonly PayloadField[] = [
  ['usage_bucket_ms', 'bigint'],
  ['usage_level', 'text'],
  ['usage_model', 'text'],
  ['usage_project_id', 'text'],
  ['usage_key_id', 'text'],
];
const DELTAS = COUNTERS.map(([field, column]) => [field, `delta_${column}`] as const);

/**
 * Adds the batch's usage deltas to the rows of one grain, each row upserted once; with
 * `project` '' the rows sum over every project. `events` may hold several rows of one key.
 */
const upsert = (g: Grain, events: string, project = 'n.usage_project_id'): string => `
  ${g.table} AS (
    INSERT INTO ${g.table} AS u (bucket, level, model, project_id, key_id, ${COUNTER_LIST})
    SELECT to_timestamp(n.usage_bucket_ms / ${g.ms} * ${g.ms / 1000}), n.usage_level,
      n.usage_model, ${project}, coalesce(n.usage_key_id, ''),
      ${DELTAS.map(([, d]) => `coalesce(sum(n.${d}), 0)`).join(', ')}
    FROM ${events} n
    WHERE n.usage_bucket_ms IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT (bucket, level, model, project_id, key_id) DO UPDATE SET
      ${COUNTERS.map(([, c]) => `${c} = u.${c} + EXCLUDED.${c}`).join(', ')}
    RETURNING 1
  )`;

/** Writes one aggregate row's key and delta into a payload row (the fields `usageSql` reads). */
export const usagePayloadRow = (
  { key, delta }: UsageChange,
  row: Record<string, unknown>,
): void => {
  row['usage_bucket_ms'] = key.bucket;
  row['usage_level'] = key.level;
  row['usage_model'] = key.model;
  row['usage_project_id'] = key.projectId ?? '';
  row['usage_key_id'] = key.keyId ?? '';
  // Most counters of an event are zero: those are left out, and read as NULL, summed as 0.
  for (const [field, d] of DELTAS) if (delta[field] !== 0) row[d] = delta[field];
};

/** An event as the log stores it, as far as its usage goes (a row of `inference_events`). */
export interface UsageEventRow {
  readonly type: CallLogEvent['type'] | null;
  readonly occurred_at: Date | null;
  readonly data: CallLogEvent['data'] | null;
}

/**
 * The usage payload rows (`usagePayloadRow`) of stored events: one per event that changes usage,
 * what the projector applies and what retention keeps of a dropped day.
 */
export const usagePayloadOf = (rows: readonly UsageEventRow[]): Array<Record<string, unknown>> => {
  const out: Array<Record<string, unknown>> = [];
  for (const r of rows) {
    if (r.data === null || r.type === null || r.occurred_at === null) continue;
    const event = {
      type: r.type,
      eventId: '',
      occurredAt: r.occurred_at.toISOString(),
      data: r.data,
    } as CallLogEvent;
    const change = usageDeltaOf(event);
    if (!change) continue;
    const row: Record<string, unknown> = {};
    usagePayloadRow(change, row);
    out.push(row);
  }
  return out;
};

/**
 * The usage grains (`usage_minute` … `usage_week`, and hours over every project): each event's
 * delta is the domain's `usageDeltaOf`, computed in TypeScript; SQL only sums it into its rows.
 */
export const usageSql: SqlProjection = {
  name: usageProjection.name,
  canHandle: usageProjection.canHandle,
  fields: [...KEY_FIELDS, ...DELTAS.map(([, d]) => [d, 'bigint'] as const)],
  row: (e, row) => {
    const change = usageDeltaOf(e);
    if (change) usagePayloadRow(change, row);
  },
  sql: (events) => [
    ...GRAINS.map((g) => upsert(g, events)),
    upsert(HOUR_ALL_PROJECTS, events, "''"),
  ],
};
