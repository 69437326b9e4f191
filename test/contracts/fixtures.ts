import { randomUUID } from 'node:crypto';
import type { InferenceEvent, Level } from '../../src/domain';
import type { CallLog, CallRecords, UsageReadModel } from '../../src/ports';

/** One event store behind the three ports, as one database serves them. */
export interface EventStoreSubject {
  readonly log: CallLog;
  readonly usage: UsageReadModel;
  readonly records: CallRecords;
  /** Releases it (the contract may already have closed the log). */
  dispose(): Promise<void>;
}

/** Makes a fresh, empty subject for each test. */
export type SubjectFactory = () => Promise<EventStoreSubject>;

/** 2026-01-01T00:00:00Z, a Thursday. */
export const T0 = Date.UTC(2026, 0, 1);
/** Milliseconds per minute, hour and day. */
export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

/** What a fixture event may set. */
export interface EventSpec {
  readonly at?: number;
  readonly level?: Level;
  readonly model?: string;
  readonly projectId?: string | null;
  readonly callId?: string;
  readonly eventId?: string;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly costNanos?: number;
  readonly reportedCostNanos?: number | null;
  readonly savedNanos?: number;
  readonly text?: string;
}

const facts = (s: EventSpec) => ({
  callId: s.callId ?? randomUUID(),
  level: s.level ?? 'turn',
  purpose: 'summarise turn',
  model: s.model ?? 'anthropic/claude-haiku-4.5',
  inputHash: 'ab'.repeat(32),
  projectId: s.projectId === undefined ? null : s.projectId,
  agentId: 'agent-1',
  commandId: null,
  turnId: 'turn-9',
  latencyMs: 42,
});

const envelope = (s: EventSpec) => ({
  eventId: s.eventId ?? randomUUID(),
  occurredAt: new Date(s.at ?? T0).toISOString(),
});

/** An upstream success. */
export const succeeded = (s: EventSpec = {}): InferenceEvent => ({
  type: 'InferenceSucceeded',
  ...envelope(s),
  data: {
    ...facts(s),
    text: s.text ?? 'a summary',
    inputTokens: s.inputTokens ?? 100,
    outputTokens: s.outputTokens ?? 20,
    costNanos: s.costNanos ?? 200_000,
    reportedCostNanos: s.reportedCostNanos === undefined ? 210_000 : s.reportedCostNanos,
    unpriced: false,
    attempts: 1,
    upstreamId: 'gen-1',
  },
});

/** A failed call. */
export const failed = (s: EventSpec = {}): InferenceEvent => ({
  type: 'InferenceFailed',
  ...envelope(s),
  data: {
    ...facts(s),
    errorCode: 'upstream_error',
    errorMessage: 'OpenRouter answered 400',
    attempts: 1,
    upstreamStatus: 400,
  },
});

/** A cache hit. */
export const cached = (s: EventSpec = {}): InferenceEvent => ({
  type: 'InferenceServedFromCache',
  ...envelope(s),
  data: {
    ...facts(s),
    text: s.text ?? 'a summary',
    inputTokens: s.inputTokens ?? 100,
    outputTokens: s.outputTokens ?? 20,
    savedNanos: s.savedNanos ?? 200_000,
    sourceCallId: randomUUID(),
    coalesced: false,
  },
});

/** A call refused by a rate limit. */
export const rateLimited = (s: EventSpec = {}): InferenceEvent => ({
  type: 'InferenceRateLimited',
  ...envelope(s),
  data: { ...facts(s), limit: 'calls_per_minute', retryAfterMs: 1500 },
});

/** A fresh subject for every test, disposed after it; `use` receives each one. */
export const freshSubjectEachTest = (
  make: SubjectFactory,
  use: (s: EventStoreSubject) => void,
): void => {
  let current: EventStoreSubject | undefined;
  beforeEach(async () => {
    current = await make();
    use(current);
  });
  afterEach(() => current?.dispose());
};
