import { createHash } from 'node:crypto';
import type { CallLogEvent, CallLogEventType } from '../../../domain';
import { callRecordsSql } from './call-records.sql';
import { openIntentsSql } from './open-intents.sql';
import { partitionTimeOf } from './partition-time';
import type { PayloadField, SqlProjection } from './sql-projection';
import { usageSql } from './usage.sql';

/**
 * The projections an append applies in the statement that appends the events: what a caller
 * reads right after its call (the record, the open intents). Usage is projected after the
 * commit, by the usage projector (`projector/usage-projector.ts`), which the caller never waits
 * for; a rebuild replays all three.
 */
export const INLINE_PROJECTIONS: readonly SqlProjection[] = [callRecordsSql, openIntentsSql];

/** Every projection, as a rebuild replays them. */
export const SQL_PROJECTIONS: readonly SqlProjection[] = [...INLINE_PROJECTIONS, usageSql];

const ENVELOPE: readonly PayloadField[] = [
  ['event_id', 'uuid'],
  ['type', 'text'],
  ['occurred_at', 'timestamptz'],
  ['data', 'jsonb'],
  ['partition_at', 'timestamptz'],
];

const declared = (projections: readonly SqlProjection[]) => {
  const fields = [...ENVELOPE, ...projections.flatMap((p) => p.fields)];
  const names = fields.map(([name]) => name);
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated !== undefined) throw new Error(`payload field ${repeated} is declared twice`);
  return { names, declared: fields.map(([name, type]) => `${name} ${type}`).join(', ') };
};

const { declared: DECLARED } = declared(SQL_PROJECTIONS);

const handlers = (projections: readonly SqlProjection[]) =>
  projections.map((p) => ({ p, types: new Set<string>(p.canHandle) }));
const INLINE_HANDLERS = handlers(INLINE_PROJECTIONS);
const ALL_HANDLERS = handlers(SQL_PROJECTIONS);

/**
 * One event as the append statement (or, with `replay`, the rebuild's) reads it: the envelope,
 * and the fields of every projection that handles it, all computed by the domain's pure
 * functions so that live appends and rebuilds agree by construction. Fields an event does not
 * have are left out and read as NULL.
 */
export const projectionRowOf = (
  e: CallLogEvent,
  pos?: number,
  replay = false,
): Record<string, unknown> => {
  const row: Record<string, unknown> = {
    pos,
    event_id: e.eventId,
    type: e.type,
    occurred_at: e.occurredAt,
    data: e.data,
    partition_at: partitionTimeOf(e),
  };
  for (const { p, types } of replay ? ALL_HANDLERS : INLINE_HANDLERS)
    if (types.has(e.type)) p.row(e, row);
  return row;
};

/**
 * Applies `projections` to the events in `new_events` (those not seen before), in the statement
 * that selects them. Sibling CTEs do not see each other's writes, so each one looks at
 * `new_events` itself.
 */
const projectSql = (
  projections: readonly SqlProjection[],
  types: ReadonlySet<CallLogEventType> = ALL_TYPES,
) => projections.flatMap((p) => p.sql('new_events', types)).join(',\n');

const ALL_TYPES: ReadonlySet<CallLogEventType> = new Set(
  SQL_PROJECTIONS.flatMap((p) => p.canHandle),
);
const PROJECT = projectSql(SQL_PROJECTIONS);

/**
 * One append as one statement (so one round trip and one implicit transaction): insert the
 * events (the payload, `$1`), skipping ids already in the log, and project exactly the ones that
 * were new. The log is partitioned by `partition_at`, a pure function of the event, so an id
 * already appended is found in the one partition it can be in. A retried batch therefore never doubles a record or an aggregate.
 */
const appendSql = (
  projections: readonly SqlProjection[],
  types: ReadonlySet<CallLogEventType> = ALL_TYPES,
) => {
  const d = declared(projections);
  return `
  WITH input AS (
    SELECT * FROM ROWS FROM (json_to_recordset($1::json) AS (${d.declared}))
      WITH ORDINALITY AS x(${d.names.join(', ')}, ord)
  ),
  appended AS (
    INSERT INTO inference_events (event_id, type, occurred_at, data, partition_at)
    SELECT event_id, type, occurred_at, data, partition_at FROM input ORDER BY ord
    ON CONFLICT (event_id, partition_at) DO NOTHING
    RETURNING event_id, position
  ),
  new_events AS (SELECT i.*, a.position AS pos FROM input i JOIN appended a USING (event_id))
  ${projections.length > 0 ? `,${projectSql(projections, types)}` : ''}
  SELECT count(*)::int AS appended FROM new_events`;
};

/** An append statement and the name it is prepared under. */
export interface AppendStatement {
  readonly name: string;
  readonly sql: string;
}

const statements = new Map<string, AppendStatement>();

/**
 * The append of a batch holding exactly these event types: only the projections that handle
 * one of them, and of those only the CTEs they can touch. A batch of intents, the write a call
 * waits for before it is sent, then costs the database about half of the full statement. There
 * are few combinations, each prepared once per connection under a name derived from its text.
 */
export const appendStatementFor = (events: readonly CallLogEvent[]): AppendStatement => {
  const types = new Set(events.map((e) => e.type));
  const key = [...types].sort().join(' ');
  let s = statements.get(key);
  if (s === undefined) {
    const sql = appendSql(
      INLINE_PROJECTIONS.filter((p) => p.canHandle.some((t) => types.has(t))),
      types,
    );
    const name = `headspace_append_${createHash('sha1').update(sql).digest('hex').slice(0, 16)}`;
    s = { name, sql };
    statements.set(key, s);
  }
  return s;
};

/** Replays stored events (with their positions) through the projections, for a rebuild. */
export const REPLAY_SQL = `
  WITH new_events AS (SELECT * FROM json_to_recordset(?::json) AS x(${DECLARED}, pos bigint)),
  ${PROJECT}
  SELECT count(*)::int AS applied FROM new_events`;
