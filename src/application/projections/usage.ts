import {
  addCounters,
  EVENT_TYPES,
  usageDeltaOf,
  zeroCounters,
  type UsageCounters,
  type UsageKey,
} from '../../domain';
import type { Projection } from './projection';

/** One usage aggregate row: its key and counters. */
export interface UsageAggregate {
  readonly key: UsageKey;
  readonly counters: UsageCounters;
}

/** Stable string form of a usage key, for maps. */
export const usageKeyId = (k: UsageKey): string =>
  `${k.bucket}|${k.level}|${k.model}|${k.projectId ?? ''}|${k.keyId ?? ''}`;

/**
 * Usage aggregates per minute × level × model × project, counting each outcome; the usage
 * query sums these rows instead of scanning call records (NFR5).
 */
export const usageProjection: Projection<Map<string, UsageAggregate>> = {
  name: 'usage',
  canHandle: [...EVENT_TYPES, 'InferenceReconciled'],
  initialState: () => new Map(),
  evolve: (state, event) => {
    const change = usageDeltaOf(event);
    if (!change) return state;
    const { key, delta } = change;
    const id = usageKeyId(key);
    let row = state.get(id);
    if (!row) state.set(id, (row = { key, counters: zeroCounters() }));
    addCounters(row.counters, delta);
    return state;
  },
};
