import { callRecordOf } from './call-record';
import type { InferenceEvent } from './events';
import { matchesQuery, usageDeltaOf, usageReport, usageWindow } from './usage';

const facts = {
  callId: 'c1',
  level: 'task' as const,
  purpose: 'p',
  model: 'm',
  inputHash: 'h',
  projectId: 'proj',
  agentId: null,
  commandId: null,
  turnId: null,
  latencyMs: 12,
};
const at = '2026-03-01T10:15:42.123Z';

const succeeded: InferenceEvent = {
  type: 'InferenceSucceeded',
  eventId: 'e1',
  occurredAt: at,
  data: {
    ...facts,
    text: 't',
    inputTokens: 10,
    outputTokens: 5,
    costNanos: 123,
    reportedCostNanos: 120,
    unpriced: false,
    attempts: 2,
    upstreamId: 'gen-1',
  },
};

describe('usage aggregates', () => {
  it('buckets an event by minute, level, model and project', () => {
    const { key, delta } = usageDeltaOf(succeeded);
    expect(key).toEqual({
      bucket: Date.parse('2026-03-01T10:15:00Z'),
      level: 'task',
      model: 'm',
      projectId: 'proj',
      keyId: null,
    });
    expect(delta).toMatchObject({
      calls: 1,
      succeededCalls: 1,
      inputTokens: 10,
      costNanos: 123,
      reportedCostNanos: 120,
    });
  });

  it('widens the window to whole minutes and filters by it', () => {
    const q = {
      since: Date.parse('2026-03-01T10:15:30Z'),
      until: Date.parse('2026-03-01T10:16:10Z'),
    };
    expect(usageWindow(q)).toEqual({
      since: Date.parse('2026-03-01T10:15:00Z'),
      until: Date.parse('2026-03-01T10:17:00Z'),
    });
    const { key } = usageDeltaOf(succeeded);
    expect(matchesQuery(key, q)).toBe(true);
    expect(matchesQuery(key, { since: Date.parse('2026-03-01T10:16:00Z') })).toBe(false);
    expect(matchesQuery(key, { level: 'turn' })).toBe(false);
    expect(matchesQuery(key, { projectId: 'other' })).toBe(false);
  });

  it('reports totals and breakdowns in USD from exact nanos', () => {
    const { delta } = usageDeltaOf(succeeded);
    const r = usageReport([{ level: 'task', model: 'm', counters: delta }], {});
    expect(r).toMatchObject({ totalCalls: 1, costUsd: 0.000000123, reportedCostUsd: 0.00000012 });
    expect(r.byLevel.task).toMatchObject({ calls: 1, inputTokens: 10 });
    expect(r.byModel.m).toMatchObject({ calls: 1, outputTokens: 5 });
    expect(r.window).toEqual({ since: null, until: null });
  });

  it('maps every outcome to its call record status', () => {
    expect(callRecordOf(succeeded)).toMatchObject({
      status: 'succeeded',
      createdAt: at,
      attempts: 2,
      upstreamId: 'gen-1',
    });
    const limited: InferenceEvent = {
      type: 'InferenceRateLimited',
      eventId: 'e2',
      occurredAt: at,
      data: { ...facts, limit: 'tokens_per_minute', retryAfterMs: 500 },
    };
    expect(callRecordOf(limited)).toMatchObject({
      status: 'rate_limited',
      resultText: null,
      costNanos: 0,
    });
    expect(usageDeltaOf(limited).delta).toMatchObject({ rateLimitedCalls: 1, inputTokens: 0 });
  });
});
