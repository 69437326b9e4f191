import type { CallLogEvent, CallLogEventType } from '../../../domain';

/** A field of the append payload and its SQL type, as `json_to_recordset` declares it. */
export type PayloadField = readonly [name: string, type: string];

/**
 * One projection as SQL (emmett's `postgreSQLRawSQLProjection`, batched): the events it handles,
 * its fields of each event's payload row, and the data-modifying CTEs that apply a batch of new
 * events to its tables. Every projection runs in the statement that appends the events, so its
 * rows commit with them or not at all.
 */
export interface SqlProjection {
  readonly name: string;
  readonly canHandle: readonly CallLogEventType[];
  /** The payload fields it reads; no two projections share a name. */
  readonly fields: readonly PayloadField[];
  /** Writes its fields of one event's payload row into `row`; called only for events it handles. */
  row(e: CallLogEvent, row: Record<string, unknown>): void;
  /**
   * Its CTEs (`name AS (…)`) over `events`, the relation of the batch's new events: the
   * envelope (`event_id`, `type`, `occurred_at`, `data`, log position `pos`) and every
   * projection's fields, NULL where an event has none. `types` are the event types the batch
   * may hold: a CTE no event of them can touch may be left out (a statement for a batch of
   * intents has no work for an outcome's CTEs, and they cost time even when they find nothing).
   */
  sql(events: string, types: ReadonlySet<CallLogEventType>): string[];
}
