import type { InferenceEvent } from '../domain';

/** Publishes domain events to in-process subscribers, after they are appended. */
export interface EventPublisher {
  publish(event: InferenceEvent): void;
}
