import type { CallLogEvent } from '../../../domain';
import type { StoredEvent } from '../../../ports';
import { projectionRowOf } from './projection-sql';

/**
 * One event's row as JSON text. PostgreSQL text and jsonb cannot hold U+0000, so it is stored
 * as U+FFFD; only an escape preceded by an even number of backslashes is a real NUL.
 */
export const projectionRowJson = (e: CallLogEvent, pos?: number, replay = false): string => {
  const json = JSON.stringify(projectionRowOf(e, pos, replay));
  return json.includes('\\u0000') ? json.replace(/(?<!\\)((?:\\\\)*)\\u0000/g, '$1\\ufffd') : json;
};

/**
 * The JSON parameter of one statement: one row per distinct event id, in order (the first
 * wins, as a repeat in one batch must not count twice). `rowOf` may return rows made earlier.
 */
export const projectionPayload = (
  events: readonly CallLogEvent[],
  rowOf: (e: CallLogEvent, i: number) => string = (e) => projectionRowJson(e),
): string => {
  const seen = new Set<string>();
  const rows: string[] = [];
  for (const [i, e] of events.entries()) {
    if (seen.has(e.eventId)) continue;
    seen.add(e.eventId);
    rows.push(rowOf(e, i));
  }
  return `[${rows.join(',')}]`;
};

/** A filter value as stored: PostgreSQL text cannot hold U+0000, writes keep it as U+FFFD. */
export const storedText = (s: string): string =>
  s.includes('\u0000') ? s.replaceAll('\u0000', '\ufffd') : s;

/** A row of `inference_events`, as read back. */
export interface EventRow {
  readonly position: string | number;
  readonly event_id: string;
  readonly type: CallLogEvent['type'];
  readonly occurred_at: Date;
  readonly data: CallLogEvent['data'];
}

/** The stored event a log row holds. */
export const storedEventOf = (row: EventRow): StoredEvent => ({
  position: Number(row.position),
  event: {
    type: row.type,
    eventId: row.event_id,
    occurredAt: row.occurred_at.toISOString(),
    data: row.data,
  } as CallLogEvent,
});
