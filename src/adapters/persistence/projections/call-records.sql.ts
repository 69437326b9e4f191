import { callRecordOf, isOutcome, RECONCILED_FIELDS, reconciledFigures } from '../../../domain';
import { callRecordsProjection } from '../../../application';
import {
  ALL_FIELDS,
  CALL_RECORD_COLUMNS,
  RECORD_FIELDS,
  recordPayload,
  storedValue,
} from './call-record-columns';
import type { SqlProjection } from './sql-projection';

const ALL = ALL_FIELDS.map((f) => CALL_RECORD_COLUMNS[f]);
const RECONCILED = RECONCILED_FIELDS.map((f) => CALL_RECORD_COLUMNS[f]);

/**
 * `inference_calls`: an outcome inserts its record (one per call id, the first wins); a
 * reconciliation replaces the figures it corrects. The record is the domain's `callRecordOf`,
 * computed in TypeScript; SQL only stores it.
 */
export const callRecordsSql: SqlProjection = {
  name: callRecordsProjection.name,
  canHandle: callRecordsProjection.canHandle,
  fields: RECORD_FIELDS,
  row: (e) => {
    if (isOutcome(e)) return recordPayload(callRecordOf(e), ALL_FIELDS);
    if (e.type !== 'InferenceReconciled') return {};
    // No status: no record is inserted, only these figures replaced.
    return { id: e.data.callId, ...recordPayload(reconciledFigures(e), RECONCILED_FIELDS) };
  },
  sql: (events) => [
    `call_records AS (
      INSERT INTO inference_calls (${ALL.map((c) => c.column).join(', ')})
      SELECT ${ALL.map((c) => storedValue(c, 'n')).join(', ')}
      FROM ${events} n WHERE n.status IS NOT NULL ORDER BY n.pos
      ON CONFLICT (id) DO NOTHING
      RETURNING 1
    )`,
    `call_records_reconciled AS (
      UPDATE inference_calls c SET ${RECONCILED.map((c) => `${c.column} = ${storedValue(c, 'n')}`).join(', ')}
      FROM ${events} n WHERE n.type = 'InferenceReconciled' AND c.id = n.id
      RETURNING 1
    )`,
  ],
};
