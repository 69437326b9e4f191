import type { CallLogEvent } from '../../../domain';
import { callRecordsSql } from './call-records.sql';
import { openIntentsSql } from './open-intents.sql';
import type { PayloadField, SqlProjection } from './sql-projection';
import { usageSql } from './usage.sql';

/** The projections every append applies, in the statement that appends the events. */
export const SQL_PROJECTIONS: readonly SqlProjection[] = [callRecordsSql, openIntentsSql, usageSql];

const ENVELOPE: readonly PayloadField[] = [
  ['event_id', 'uuid'],
  ['type', 'text'],
  ['occurred_at', 'timestamptz'],
  ['data', 'jsonb'],
];

const FIELDS = [...ENVELOPE, ...SQL_PROJECTIONS.flatMap((p) => p.fields)];
const NAMES = FIELDS.map(([name]) => name);
const repeated = NAMES.find((n, i) => NAMES.indexOf(n) !== i);
if (repeated !== undefined) throw new Error(`payload field ${repeated} is declared twice`);
const DECLARED = FIELDS.map(([name, type]) => `${name} ${type}`).join(', ');

const HANDLERS = SQL_PROJECTIONS.map((p) => ({ p, types: new Set<string>(p.canHandle) }));

/**
 * One event as the append statement reads it: the envelope, and the fields of every projection
 * that handles it, all computed by the domain's pure functions so that live appends and
 * rebuilds agree by construction. Fields an event does not have are left out and read as NULL.
 */
export const projectionRowOf = (e: CallLogEvent, pos?: number): Record<string, unknown> => {
  const row: Record<string, unknown> = {
    pos,
    event_id: e.eventId,
    type: e.type,
    occurred_at: e.occurredAt,
    data: e.data,
  };
  for (const { p, types } of HANDLERS) if (types.has(e.type)) p.row(e, row);
  return row;
};

/**
 * Applies every projection to the events in `new_events` (those not seen before), in the
 * statement that selects them. Sibling CTEs do not see each other's writes, so each one looks
 * at `new_events` itself.
 */
const PROJECT = SQL_PROJECTIONS.flatMap((p) => p.sql('new_events')).join(',\n');

/**
 * One append as one statement (so one round trip and one implicit transaction): insert the
 * events, skipping ids already in the log, and project exactly the ones that were new. A retried
 * batch therefore never doubles a record or an aggregate.
 */
export const APPEND_SQL = `
  WITH input AS (
    SELECT * FROM ROWS FROM (json_to_recordset(?::json) AS (${DECLARED}))
      WITH ORDINALITY AS x(${NAMES.join(', ')}, ord)
  ),
  appended AS (
    INSERT INTO inference_events (event_id, type, occurred_at, data)
    SELECT event_id, type, occurred_at, data FROM input ORDER BY ord
    ON CONFLICT (event_id) DO NOTHING
    RETURNING event_id, position
  ),
  new_events AS (SELECT i.*, a.position AS pos FROM input i JOIN appended a USING (event_id)),
  ${PROJECT}
  SELECT count(*)::int AS appended FROM new_events`;

/** Replays stored events (with their positions) through the projections, for a rebuild. */
export const REPLAY_SQL = `
  WITH new_events AS (SELECT * FROM json_to_recordset(?::json) AS x(${DECLARED}, pos bigint)),
  ${PROJECT}
  SELECT count(*)::int AS applied FROM new_events`;
