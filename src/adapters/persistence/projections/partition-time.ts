import type { CallLogEvent } from '../../../domain';

/**
 * Where an event is filed in the partitioned log (`partition_at`), a pure function of the event:
 * the day of its call. An outcome's or an intent's own time; a reconciliation's, the time of the
 * record it corrects (two instances reconciling one call at different moments append one event,
 * and its id maps to one partition). Any other event (about no call) is kept for ever, in the
 * partition from `infinity`, which retention never drops.
 */
export const partitionTimeOf = (e: CallLogEvent): string => {
  switch (e.type) {
    case 'InferenceReconciled':
      return e.data.callCreatedAt;
    case 'InferenceStarted':
    case 'InferenceUpstreamIdentified':
    case 'InferenceSucceeded':
    case 'InferenceFailed':
    case 'InferenceServedFromCache':
    case 'InferenceRateLimited':
    case 'InferenceCancelled':
    case 'InferenceInterrupted':
      return e.occurredAt;
    default:
      return 'infinity';
  }
};
