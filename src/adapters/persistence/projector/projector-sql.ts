import type { Knex } from 'knex';
import { usageProjection } from '../../../application';
import type { UsageLag } from '../../../ports';
import type { PayloadField } from '../projections/sql-projection';
import { usageSql } from '../projections/usage.sql';

/** The usage projection's row in `projection_checkpoints`. */
export const USAGE_CHECKPOINT = usageProjection.name;

/** Arbitrary, fixed: the transaction advisory lock that lets one projector run at a time. */
export const PROJECTOR_LOCK = 7_243_190_518;

/** The event types the usage projection reads (others only move its checkpoint), as SQL. */
const USAGE_TYPES = `(${usageProjection.canHandle.map((t) => `'${t}'`).join(', ')})`;

/**
 * Events are read in (transaction id, position) order, only from transactions older than every
 * one still running (`pg_snapshot_xmin`): a transaction that took an earlier position but
 * commits later is still running when a later one is read, so it holds the horizon back and is
 * read after it, never skipped. Answer text and tool calls are left in the database.
 */
const UNPROJECTED = `
  FROM inference_events e, projection_checkpoints c
  WHERE c.name = '${USAGE_CHECKPOINT}'
    AND (e.transaction_id, e.position) > (c.transaction_id, c.position)`;

/** The checkpoint and the next batch after it (none: one row of nulls), at most `?` events. */
export const READ_BATCH_SQL = `
  SELECT c.transaction_id::text AS checkpoint_xid, c.position AS checkpoint_position,
    e.transaction_id::text AS xid, e.position, e.type, e.occurred_at,
    CASE WHEN e.type IN ${USAGE_TYPES} THEN e.data - 'text' - 'toolCalls' END AS data
  FROM projection_checkpoints c
  LEFT JOIN LATERAL (
    SELECT * FROM inference_events e
    WHERE (e.transaction_id, e.position) > (c.transaction_id, c.position)
      AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
    ORDER BY e.transaction_id, e.position
    LIMIT ?
  ) e ON true
  WHERE c.name = '${USAGE_CHECKPOINT}'
  ORDER BY e.transaction_id, e.position`;

const declared = (fields: readonly PayloadField[]) =>
  fields.map(([name, type]) => `${name} ${type}`).join(', ');

/**
 * Moves the checkpoint from (3rd, 4th binding) to (1st, 2nd) and applies the batch's usage rows
 * (5th, one per event with a delta; the upserts sum each key's rows into one), in one statement.
 * Only if the checkpoint was still where this batch was read from: a batch read twice is
 * applied once (the advisory lock already keeps a second projector out; this is the proof).
 */
export const APPLY_BATCH_SQL = `
  WITH moved AS (
    UPDATE projection_checkpoints
    SET transaction_id = ?::xid8, position = ?, updated_at = now()
    WHERE name = '${USAGE_CHECKPOINT}' AND transaction_id = ?::xid8 AND position = ?
    RETURNING 1
  ),
  batch AS (
    SELECT * FROM json_to_recordset(?::json) AS x(${declared(usageSql.fields)})
    WHERE EXISTS (SELECT 1 FROM moved)
  ),
  ${usageSql.sql('batch', new Set(usageProjection.canHandle)).join(',\n')}
  SELECT count(*)::int AS moved FROM moved`;

/**
 * Whether an event of a usage type from a transaction below the binding (the snapshot `xmax`
 * taken when a read began: every transaction committed by then) is not yet projected.
 */
export const BEHIND_SQL = `
  SELECT EXISTS (SELECT 1 ${UNPROJECTED}
    AND e.transaction_id < ?::xid8 AND e.type IN ${USAGE_TYPES}) AS behind`;

/** The snapshot's `xmax` now (every transaction committed so far has an id below it). */
export const HORIZON_SQL = 'SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS horizon';

/** When the oldest committed usage event not yet projected happened (null: none). */
export const OLDEST_BEHIND_SQL = `
  SELECT min(e.occurred_at) AS oldest ${UNPROJECTED}
    AND e.type IN ${USAGE_TYPES}`;

/** Where a rebuild leaves the checkpoint: the last event of the log, in the projector's order. */
export const CHECKPOINT_AT_END_SQL = `
  UPDATE projection_checkpoints c
  SET transaction_id = coalesce(last.transaction_id, pg_current_xact_id()),
    position = coalesce(last.position, 0), updated_at = now()
  FROM (SELECT NULL) AS one
  LEFT JOIN LATERAL (
    SELECT transaction_id, position FROM inference_events
    ORDER BY transaction_id DESC, position DESC LIMIT 1
  ) last ON true
  WHERE c.name = '${USAGE_CHECKPOINT}'`;

/** How far the aggregates trail the log at `now` (the oldest usage event not yet counted). */
export const readUsageLag = async (db: Knex, now: number): Promise<UsageLag | null> => {
  const oldest = (await db.raw(OLDEST_BEHIND_SQL)).rows[0]?.oldest as Date | null;
  return oldest ? { asOf: oldest.toISOString(), lagMs: Math.max(0, now - oldest.getTime()) } : null;
};
