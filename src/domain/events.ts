import type { ErrorCode, LimitName } from './errors';
import type { Level } from './levels';
import type { NanoUsd } from './money';

/** An event envelope, emmett-style: a past-tense type, its data, a unique id and a time. */
export interface Event<Type extends string, Data> {
  readonly type: Type;
  readonly data: Data;
  /** Unique per event: appends are idempotent by it. */
  readonly eventId: string;
  /** ISO-8601 UTC. For call outcomes this is the call record's `created_at`. */
  readonly occurredAt: string;
}

/** What every call outcome carries about the call itself (CONTRACT §2). */
export interface CallFacts {
  readonly callId: string;
  readonly level: Level;
  readonly purpose: string;
  readonly model: string;
  readonly inputHash: string;
  readonly projectId: string | null;
  readonly agentId: string | null;
  readonly commandId: string | null;
  readonly turnId: string | null;
  readonly latencyMs: number;
  /** True when the caller asked for a stream (absent, as in older events: false). */
  readonly streamed?: boolean;
  /** Milliseconds from the call's start to the first delta the caller got; null when none. */
  readonly ttftMs?: number | null;
}

/** OpenRouter answered; the text was returned to the caller. */
export type InferenceSucceeded = Event<
  'InferenceSucceeded',
  CallFacts & {
    readonly text: string;
    readonly inputTokens: number;
    readonly outputTokens: number;
    readonly costNanos: NanoUsd;
    readonly reportedCostNanos: NanoUsd | null;
    /** No configured or fetched price was known for the model: cost is 0 and flagged. */
    readonly unpriced: boolean;
    readonly attempts: number;
    readonly upstreamId: string | null;
  }
>;

/** The call failed: upstream refused, retries ran out, timed out, or the service is degraded. */
export type InferenceFailed = Event<
  'InferenceFailed',
  CallFacts & {
    readonly errorCode: ErrorCode;
    readonly errorMessage: string;
    readonly attempts: number;
    readonly upstreamStatus: number | null;
  }
>;

/** Answered from the cache, or by joining an identical call already in flight (coalesced). */
export type InferenceServedFromCache = Event<
  'InferenceServedFromCache',
  CallFacts & {
    readonly text: string;
    /** The original call's tokens. */
    readonly inputTokens: number;
    readonly outputTokens: number;
    /** What the original call cost, and so what this answer saved. */
    readonly savedNanos: NanoUsd;
    readonly sourceCallId: string;
    readonly coalesced: boolean;
  }
>;

/** Refused by a rate limit without calling upstream. */
export type InferenceRateLimited = Event<
  'InferenceRateLimited',
  CallFacts & {
    readonly limit: LimitName;
    readonly retryAfterMs: number;
  }
>;

/** Every domain event; each one is the single outcome of one call. */
export type InferenceEvent =
  InferenceSucceeded | InferenceFailed | InferenceServedFromCache | InferenceRateLimited;

/** The event type names. */
export type InferenceEventType = InferenceEvent['type'];

/** Event type name → event, for typed subscriptions. */
export type InferenceEventMap = {
  [E in InferenceEvent as E['type']]: E;
};

/** All event type names. */
export const EVENT_TYPES: readonly InferenceEventType[] = [
  'InferenceSucceeded',
  'InferenceFailed',
  'InferenceServedFromCache',
  'InferenceRateLimited',
];
