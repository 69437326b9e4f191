import { EventEmitter } from 'eventemitter3';
import type { InferenceEvent, InferenceEventMap } from '../../domain';
import type { EventPublisher } from '../../ports';

/** Typed listeners: `events.on('InferenceSucceeded', e => …)`. */
export type InferenceEvents = EventEmitter<{
  [K in keyof InferenceEventMap]: (event: InferenceEventMap[K]) => void;
}>;

/**
 * Publishes domain events on an eventemitter3 emitter. A throwing subscriber is reported and
 * never breaks the call that published.
 */
export class EventEmitterPublisher implements EventPublisher {
  readonly emitter: InferenceEvents = new EventEmitter();

  constructor(private readonly onListenerError: (e: unknown) => void = () => undefined) {}

  publish(event: InferenceEvent): void {
    try {
      (this.emitter.emit as (type: string, e: InferenceEvent) => boolean)(event.type, event);
    } catch (e) {
      this.onListenerError(e);
    }
  }
}
