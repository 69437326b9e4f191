import { callRecordOf, EVENT_TYPES, type CallRecord } from '../../domain';
import type { Projection } from './projection';

/** The `inference_calls` rows, one per call (CONTRACT §2), keyed by call id. */
export const callRecordsProjection: Projection<Map<string, CallRecord>> = {
  name: 'call_records',
  canHandle: EVENT_TYPES,
  initialState: () => new Map(),
  evolve: (state, event) => {
    const record = callRecordOf(event);
    // One outcome per call: a second event for the same call id is ignored, never doubled.
    if (!state.has(record.id)) state.set(record.id, record);
    return state;
  },
};
