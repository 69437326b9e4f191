import { openIntentsProjection } from '../../../application';
import type { CallLogEventType } from '../../../domain';
import { SAME_CALL } from './call-records.sql';
import type { SqlProjection } from './sql-projection';

/** Events of a call that are not its outcome: its intent, and generation ids learnt in flight. */
const NOT_OUTCOME_TYPES: ReadonlySet<CallLogEventType> = new Set([
  'InferenceStarted',
  'InferenceUpstreamIdentified',
]);
const NOT_OUTCOMES = `(${[...NOT_OUTCOME_TYPES].map((t) => `'${t}'`).join(', ')})`;

/**
 * `inference_intents`: an intent opens a row unless its call already has an outcome (in the same
 * batch or earlier: a replay never reopens one); a generation id learnt in flight sets the open
 * row's `upstream_id` (the latest in the batch wins; in the batch of its intent, the row opens
 * with it); the outcome deletes the row.
 */
export const openIntentsSql: SqlProjection = {
  name: openIntentsProjection.name,
  canHandle: openIntentsProjection.canHandle,
  fields: [
    ['intent_call_id', 'uuid'],
    ['intent_instance_id', 'text'],
    ['intent_estimated_cost_nanos', 'bigint'],
    ['intent_upstream_id', 'text'],
  ],
  row: (e, row) => {
    row['intent_call_id'] = e.data.callId;
    if (e.type === 'InferenceStarted') {
      row['intent_instance_id'] = e.data.instanceId;
      row['intent_estimated_cost_nanos'] = e.data.estimatedCostNanos;
    } else if (e.type === 'InferenceUpstreamIdentified') {
      row['intent_upstream_id'] = e.data.upstreamId;
    }
  },
  sql: (events, types) => {
    const settled = (id: string) =>
      `EXISTS (SELECT 1 FROM ${events} o
        WHERE o.intent_call_id = ${id} AND o.type NOT IN ${NOT_OUTCOMES})`;
    const opens = types.has('InferenceStarted');
    const identifies = types.has('InferenceUpstreamIdentified');
    const closes = openIntentsSql.canHandle.some((t) => types.has(t) && !NOT_OUTCOME_TYPES.has(t));
    const identities = [
      `open_intents_identities AS (
        SELECT DISTINCT ON (intent_call_id) intent_call_id, intent_upstream_id FROM ${events}
        WHERE type = 'InferenceUpstreamIdentified' ORDER BY intent_call_id, pos DESC
      )`,
    ];
    const open = `open_intents AS (
        INSERT INTO inference_intents (call_id, instance_id, created_at, estimated_cost_nanos,
          upstream_id, data)
        SELECT n.intent_call_id, n.intent_instance_id, n.occurred_at,
          n.intent_estimated_cost_nanos, ${identifies ? 'u.intent_upstream_id' : 'NULL'}, n.data
        FROM ${events} n
          ${identifies ? 'LEFT JOIN open_intents_identities u USING (intent_call_id)' : ''}
        WHERE n.type = 'InferenceStarted'
          ${closes ? `AND NOT ${settled('n.intent_call_id')}` : ''}
          AND NOT EXISTS (SELECT 1 FROM inference_calls c WHERE c.id = n.intent_call_id
            AND c.created_at BETWEEN n.occurred_at - ${SAME_CALL} AND n.occurred_at + ${SAME_CALL})
        ON CONFLICT (call_id) DO NOTHING
        RETURNING 1
      )`;
    const identified = `open_intents_identified AS (
        UPDATE inference_intents i SET upstream_id = u.intent_upstream_id
        FROM open_intents_identities u
        WHERE i.call_id = u.intent_call_id AND NOT ${settled('u.intent_call_id')}
        RETURNING 1
      )`;
    const closed = `open_intents_closed AS (
        DELETE FROM inference_intents i USING ${events} n
        WHERE n.type NOT IN ${NOT_OUTCOMES} AND i.call_id = n.intent_call_id
        RETURNING 1
      )`;
    return [
      ...(identifies ? [...identities, identified] : []),
      ...(opens ? [open] : []),
      ...(closes ? [closed] : []),
    ];
  },
};
