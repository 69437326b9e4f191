import type { CallLogEvent, CallLogEventType } from '../../domain';

/**
 * A projection as plain data (emmett-style): which events it handles and how each one evolves
 * its state. Adapters apply it inline on append to the events new to the log (new by event id,
 * so a retried or replayed append never double-counts), or replay the whole log on a rebuild.
 */
export interface Projection<State> {
  readonly name: string;
  readonly canHandle: readonly CallLogEventType[];
  initialState(): State;
  evolve(state: State, event: CallLogEvent): State;
}

/** Folds events through a projection from its initial state. */
export const project = <S>(p: Projection<S>, events: Iterable<CallLogEvent>): S => {
  let state = p.initialState();
  for (const e of events) if (p.canHandle.includes(e.type)) state = p.evolve(state, e);
  return state;
};
