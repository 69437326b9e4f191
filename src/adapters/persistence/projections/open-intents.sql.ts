import { openIntentsProjection } from '../../../application';
import type { SqlProjection } from './sql-projection';

/**
 * `inference_intents`: an intent opens a row unless its call already has an outcome (in the same
 * batch or earlier: a replay never reopens one); the outcome deletes it.
 */
export const openIntentsSql: SqlProjection = {
  name: openIntentsProjection.name,
  canHandle: openIntentsProjection.canHandle,
  fields: [
    ['intent_call_id', 'uuid'],
    ['intent_instance_id', 'text'],
    ['intent_estimated_cost_nanos', 'bigint'],
  ],
  row: (e) =>
    e.type === 'InferenceStarted'
      ? {
          intent_call_id: e.data.callId,
          intent_instance_id: e.data.instanceId,
          intent_estimated_cost_nanos: e.data.estimatedCostNanos,
        }
      : { intent_call_id: e.data.callId },
  sql: (events) => [
    `open_intents AS (
      INSERT INTO inference_intents (call_id, instance_id, created_at, estimated_cost_nanos, data)
      SELECT n.intent_call_id, n.intent_instance_id, n.occurred_at, n.intent_estimated_cost_nanos,
        n.data
      FROM ${events} n
      WHERE n.type = 'InferenceStarted'
        AND NOT EXISTS (SELECT 1 FROM ${events} o
          WHERE o.intent_call_id = n.intent_call_id AND o.type <> 'InferenceStarted')
        AND NOT EXISTS (SELECT 1 FROM inference_calls c WHERE c.id = n.intent_call_id)
      ON CONFLICT (call_id) DO NOTHING
      RETURNING 1
    )`,
    `open_intents_closed AS (
      DELETE FROM inference_intents i USING ${events} n
      WHERE n.type <> 'InferenceStarted' AND i.call_id = n.intent_call_id
      RETURNING 1
    )`,
  ],
};
