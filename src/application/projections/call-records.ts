import {
  callRecordOf,
  EVENT_TYPES,
  isOutcome,
  reconciledRecord,
  type CallRecord,
} from '../../domain';
import type { Projection } from './projection';

/**
 * The `inference_calls` rows, one per call, keyed by call id: made by the call's outcome event,
 * corrected by a reconciliation. Intents make no record.
 */
export const callRecordsProjection: Projection<Map<string, CallRecord>> = {
  name: 'call_records',
  canHandle: [...EVENT_TYPES, 'InferenceReconciled'],
  initialState: () => new Map(),
  evolve: (state, event) => {
    if (event.type === 'InferenceReconciled') {
      const r = state.get(event.data.callId);
      if (r) state.set(r.id, reconciledRecord(r, event));
      return state;
    }
    if (!isOutcome(event)) return state;
    const record = callRecordOf(event);
    // One outcome per call: a second event for the same call id is ignored, never doubled.
    if (!state.has(record.id)) state.set(record.id, record);
    return state;
  },
};
