import { EVENT_TYPES, isOutcome, type InferenceStarted } from '../../domain';
import type { Projection } from './projection';

/**
 * Intents without an outcome yet, keyed by call id: the calls in flight somewhere. An intent
 * whose instance is gone is settled as `interrupted`. An intent arriving after its call's
 * outcome (a replay out of order) is not reopened.
 */
export const openIntentsProjection: Projection<{
  readonly open: Map<string, InferenceStarted>;
  readonly settled: Set<string>;
}> = {
  name: 'open_intents',
  canHandle: ['InferenceStarted', ...EVENT_TYPES],
  initialState: () => ({ open: new Map(), settled: new Set() }),
  evolve: (state, event) => {
    if (event.type === 'InferenceStarted') {
      if (!state.settled.has(event.data.callId)) state.open.set(event.data.callId, event);
    } else if (isOutcome(event)) {
      state.open.delete(event.data.callId);
      state.settled.add(event.data.callId);
    }
    return state;
  },
};
