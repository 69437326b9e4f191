import { callRecordOf, isOutcome, RECONCILED_FIELDS, reconciledFigures } from '../../../domain';
import { callRecordsProjection } from '../../../application';
import {
  ALL_FIELDS,
  CALL_RECORD_COLUMNS,
  RECORD_FIELDS,
  payloadKeys,
  storedValue,
  writeRecord,
} from './call-record-columns';
import type { SqlProjection } from './sql-projection';

const ALL = ALL_FIELDS.map((f) => CALL_RECORD_COLUMNS[f]);
const RECONCILED = RECONCILED_FIELDS.map((f) => CALL_RECORD_COLUMNS[f]);
const [ALL_KEYS, RECONCILED_KEYS] = [payloadKeys(ALL_FIELDS), payloadKeys(RECONCILED_FIELDS)];

/**
 * How far apart two outcomes of one call can be: an interruption is dated at the intent, the
 * real outcome (replayed from a journal later) at its end. Records are partitioned by
 * `created_at` and keyed by (id, created_at), so a second outcome of a call with another time is
 * looked for in this window (one to three daily partitions) before it is inserted.
 */
export const SAME_CALL = "interval '1 day'";

/** Each call's last reconciliation among `events` (UPDATE … FROM would pick any of several). */
const latestReconciliations = (events: string) =>
  `SELECT DISTINCT ON (id) * FROM ${events} WHERE type = 'InferenceReconciled' ORDER BY id, pos DESC`;

/**
 * `inference_calls`: an outcome inserts its record (one per call id, the first wins, also when
 * a later outcome of the call carries another time); a
 * reconciliation replaces the figures it corrects. The record is the domain's `callRecordOf`,
 * computed in TypeScript; SQL only stores it.
 */
export const callRecordsSql: SqlProjection = {
  name: callRecordsProjection.name,
  canHandle: callRecordsProjection.canHandle,
  fields: RECORD_FIELDS,
  row: (e, row) => {
    if (isOutcome(e)) writeRecord(callRecordOf(e), ALL_KEYS, row);
    else if (e.type === 'InferenceReconciled') {
      // No status: no record is inserted, only these figures replaced (in the record's partition).
      row[CALL_RECORD_COLUMNS.id.key] = e.data.callId;
      row[CALL_RECORD_COLUMNS.createdAt.key] = e.data.callCreatedAt;
      writeRecord(reconciledFigures(e), RECONCILED_KEYS, row);
    }
  },
  sql: (events, types) => {
    const reconciles = types.has('InferenceReconciled');
    // A reconciliation after its record in the same batch (a rebuild, a replayed journal)
    // cannot reach the row by UPDATE (sibling CTEs do not see each other's writes): the row is
    // inserted with the reconciled figures instead. Either way the latest reconciliation in the
    // batch wins, as appending one event at a time would.
    const value = (c: (typeof ALL)[number]) =>
      reconciles && RECONCILED.includes(c)
        ? `CASE WHEN r.id IS NULL THEN ${storedValue(c, 'n')} ELSE ${storedValue(c, 'r')} END`
        : storedValue(c, 'n');
    const latest = `LEFT JOIN (${latestReconciliations(events)}) r ON r.id = n.id AND r.pos > n.pos`;
    return [
      `call_records AS (
      INSERT INTO inference_calls (${ALL.map((c) => c.column).join(', ')})
      SELECT ${ALL.map(value).join(', ')}
      FROM ${events} n ${reconciles ? latest : ''}
      WHERE n.status IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM ${events} d
          WHERE d.id = n.id AND d.status IS NOT NULL AND d.pos < n.pos)
        AND NOT EXISTS (SELECT 1 FROM inference_calls o WHERE o.id = n.id
          AND o.created_at BETWEEN n.created_at - ${SAME_CALL} AND n.created_at + ${SAME_CALL})
      ORDER BY n.pos
      ON CONFLICT (id, created_at) DO NOTHING
      RETURNING 1
    )`,
      `call_records_reconciled AS (
      UPDATE inference_calls c SET ${RECONCILED.map((c) => `${c.column} = ${storedValue(c, 'n')}`).join(', ')}
      FROM (${latestReconciliations(events)}) n WHERE c.id = n.id AND c.created_at = n.created_at
      RETURNING 1
    )`,
    ];
  },
};
