import type { InferenceEvent } from '../../domain';
import { EventEmitterPublisher } from './event-emitter-publisher';

const event: InferenceEvent = {
  type: 'InferenceRateLimited',
  eventId: 'e1',
  occurredAt: '2026-01-01T00:00:00.000Z',
  data: {
    callId: 'c1',
    level: 'turn',
    purpose: 'p',
    model: 'm',
    inputHash: 'h',
    projectId: null,
    agentId: null,
    commandId: null,
    turnId: null,
    latencyMs: 0,
    limit: 'calls_per_minute',
    retryAfterMs: 100,
  },
};

describe('EventEmitterPublisher', () => {
  it('delivers events to listeners of their type only', () => {
    const p = new EventEmitterPublisher();
    const limited: string[] = [];
    const succeeded: string[] = [];
    p.emitter.on('InferenceRateLimited', (e) => limited.push(e.data.limit));
    p.emitter.on('InferenceSucceeded', (e) => succeeded.push(e.data.text));
    p.publish(event);
    expect(limited).toEqual(['calls_per_minute']);
    expect(succeeded).toEqual([]);
  });

  it('reports a throwing listener instead of breaking the publisher', () => {
    const errors: unknown[] = [];
    const p = new EventEmitterPublisher((e) => errors.push(e));
    p.emitter.on('InferenceRateLimited', () => {
      throw new Error('listener bug');
    });
    expect(() => p.publish(event)).not.toThrow();
    expect(errors).toHaveLength(1);
  });
});
