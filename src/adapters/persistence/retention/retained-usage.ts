import type { Knex } from 'knex';
import type { CallLogEvent } from '../../../domain';
import { usageProjection } from '../../../application';
import { GRAINS, HOUR_ALL_PROJECTS } from '../read-models/usage-ranges';
import { usagePayloadOf, usageSql } from '../projections/usage.sql';
import { COUNTER_LIST, COUNTERS } from '../projections/usage-counter-columns';
import { yieldAfter } from './partitions';

const USAGE_TYPES = usageProjection.canHandle.map((t) => `'${t}'`).join(', ');
const DECLARED = usageSql.fields.map(([n, t]) => `${n} ${t}`).join(', ');
const DELTAS = COUNTERS.map(([, c]) => `coalesce(sum(n.delta_${c}), 0)`).join(', ');
const ADD = COUNTERS.map(([, c]) => `${c} = u.${c} + EXCLUDED.${c}`).join(', ');

/** Adds a batch of usage payload rows to one drop's snapshot, per minute. */
const RETAIN_SQL = `
  INSERT INTO usage_retained AS u
    (drop_id, bucket, level, model, project_id, key_id, ${COUNTER_LIST})
  SELECT ?::bigint, to_timestamp(n.usage_bucket_ms / 60000 * 60), n.usage_level, n.usage_model,
    n.usage_project_id, coalesce(n.usage_key_id, ''), ${DELTAS}
  FROM json_to_recordset(?::json) AS n(${DECLARED})
  GROUP BY 2, 3, 4, 5, 6
  ON CONFLICT (drop_id, bucket, level, model, project_id, key_id) DO UPDATE SET ${ADD}`;

interface UsageEventRow {
  readonly position: string;
  readonly type: CallLogEvent['type'];
  readonly occurred_at: Date;
  readonly data: CallLogEvent['data'];
}

/**
 * The usage of the events in `table` (a detached partition of the log), summed per minute into
 * `usage_retained` under `dropId`: exactly what those events added to the aggregates, computed
 * by the same pure function the projector applies. Each batch is its own short statement, so
 * the pass holds no transaction open (which would hold the projector's horizon back); the rows
 * count only once the drop is recorded as done; after each batch it waits as long as the batch
 * took (`yieldAfter`). Returns the events read.
 */
export const retainUsage = async (db: Knex, table: string, dropId: number): Promise<number> => {
  await db.raw('DELETE FROM usage_retained WHERE drop_id = ?', [dropId]);
  let after = '-1';
  let read = 0;
  for (;;) {
    const began = performance.now();
    const { rows } = await db.raw(
      `SELECT position, type, occurred_at, data - 'text' - 'toolCalls' AS data FROM ${table}
       WHERE position > ? AND type IN (${USAGE_TYPES}) ORDER BY position LIMIT 5000`,
      [after],
    );
    const batch = rows as UsageEventRow[];
    if (batch.length === 0) return read;
    const payload = usagePayloadOf(batch);
    if (payload.length > 0) await db.raw(RETAIN_SQL, [dropId, JSON.stringify(payload)]);
    read += batch.length;
    after = batch[batch.length - 1]!.position;
    await yieldAfter(began);
  }
};

/**
 * Puts the usage of every dropped partition back into the emptied aggregates, as a rebuild's
 * starting point: the minute rows as kept, every coarser grain summed from them (each grain is
 * a rollup of the same counters). The log's remaining events are then replayed on top.
 */
export const restoreRetainedUsage = async (trx: Knex.Transaction): Promise<void> => {
  const sums = COUNTERS.map(([, c]) => `sum(r.${c})`).join(', ');
  const retained = `usage_retained r JOIN retention_drops d ON d.id = r.drop_id AND d.state = 'dropped'`;
  for (const g of [...GRAINS, HOUR_ALL_PROJECTS]) {
    const project = g === HOUR_ALL_PROJECTS ? "''" : 'r.project_id';
    await trx.raw(`
      INSERT INTO ${g.table} (bucket, level, model, project_id, key_id, ${COUNTER_LIST})
      SELECT to_timestamp(floor(extract(epoch FROM r.bucket) / ${g.ms / 1000}) * ${g.ms / 1000}),
        r.level, r.model, ${project}, r.key_id, ${sums}
      FROM ${retained} GROUP BY 1, 2, 3, 4, 5`);
  }
};
