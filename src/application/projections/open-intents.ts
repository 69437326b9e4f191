import { EVENT_TYPES, isOutcome, type OpenIntent } from '../../domain';
import type { Projection } from './projection';

/**
 * Intents without an outcome yet, keyed by call id: the calls in flight somewhere, each with
 * the generation id it was given once known. An intent whose instance is gone is settled as
 * `interrupted`. An intent arriving after its call's outcome (a replay out of order) is not
 * reopened.
 */
export const openIntentsProjection: Projection<{
  readonly open: Map<string, OpenIntent>;
  readonly settled: Set<string>;
}> = {
  name: 'open_intents',
  canHandle: ['InferenceStarted', 'InferenceUpstreamIdentified', ...EVENT_TYPES],
  initialState: () => ({ open: new Map(), settled: new Set() }),
  evolve: (state, event) => {
    if (event.type === 'InferenceStarted') {
      const { callId } = event.data;
      if (!state.settled.has(callId)) state.open.set(callId, { ...event, upstreamId: null });
    } else if (event.type === 'InferenceUpstreamIdentified') {
      const open = state.open.get(event.data.callId);
      if (open) state.open.set(open.data.callId, { ...open, upstreamId: event.data.upstreamId });
    } else if (isOutcome(event)) {
      state.open.delete(event.data.callId);
      state.settled.add(event.data.callId);
    }
    return state;
  },
};
