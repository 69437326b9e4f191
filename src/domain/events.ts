import type { ErrorCode, LimitName } from './errors';
import type { Level } from './levels';
import type { NanoUsd } from './money';
import type { FinishReason, ToolCall } from './request-parts';

/** An event envelope, emmett-style: a past-tense type, its data, a unique id and a time. */
export interface Event<Type extends string, Data> {
  readonly type: Type;
  readonly data: Data;
  /** Unique per event: appends are idempotent by it. */
  readonly eventId: string;
  /** ISO-8601 UTC. For call outcomes this is the call record's `created_at`. */
  readonly occurredAt: string;
}

/** What every call outcome carries about the call itself. */
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
  /** The W3C trace the call ran in (32 lowercase hex); absent, as in older events: null. */
  readonly traceId?: string | null;
  /** The consumer key the call was made with; absent or null: the bootstrap token or open mode. */
  readonly keyId?: string | null;
}

/**
 * What an answer says beyond its text. Optional in stored events: events written before these
 * existed read as no reasoning, no cached input, no tool calls and no finish reason.
 */
export interface AnswerFacts {
  /** Of the output tokens, those spent reasoning (billed as output). */
  readonly reasoningTokens?: number;
  /** Of the input tokens, those read from the provider's prompt cache. */
  readonly cachedInputTokens?: number;
  readonly toolCalls?: readonly ToolCall[] | null;
  readonly finishReason?: FinishReason | null;
}

/** What a failed call that still reached upstream spent (e.g. output that never validated). */
export interface SpentFacts {
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly reasoningTokens?: number;
  readonly cachedInputTokens?: number;
  readonly costNanos?: NanoUsd;
  readonly reportedCostNanos?: NanoUsd | null;
  readonly upstreamId?: string | null;
}

/** OpenRouter answered; the text was returned to the caller. */
export type InferenceSucceeded = Event<
  'InferenceSucceeded',
  CallFacts &
    AnswerFacts & {
      readonly text: string;
      readonly inputTokens: number;
      readonly outputTokens: number;
      readonly costNanos: NanoUsd;
      readonly reportedCostNanos: NanoUsd | null;
      /** No configured or fetched price was known for the model: cost is 0 and flagged. */
      readonly unpriced: boolean;
      readonly attempts: number;
      readonly upstreamId: string | null;
      /** Time to the first token, known for streamed calls; absent otherwise. */
      readonly ttftMs?: number | null;
    }
>;

/** The call failed: upstream refused, retries ran out, timed out, or the service is degraded. */
export type InferenceFailed = Event<
  'InferenceFailed',
  CallFacts &
    SpentFacts & {
      readonly errorCode: ErrorCode;
      readonly errorMessage: string;
      readonly attempts: number;
      readonly upstreamStatus: number | null;
    }
>;

/** Answered from the cache, or by joining an identical call already in flight (coalesced). */
export type InferenceServedFromCache = Event<
  'InferenceServedFromCache',
  CallFacts &
    AnswerFacts & {
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

/** Refused by a rate limit, or by a budget its worst-case cost did not fit, without calling upstream. */
export type InferenceRateLimited = Event<
  'InferenceRateLimited',
  CallFacts & {
    /** `budget` when a budget refused it (error code `budget_exceeded`). */
    readonly limit: LimitName | 'budget';
    readonly retryAfterMs: number;
    /** The budget that refused it. */
    readonly budget?: string;
  }
>;

/**
 * Sent upstream, then stopped before it ended: the service shut down, or the caller went away.
 * Cost is what is known: OpenRouter's usage if it arrived; else, for a stream, an estimate from
 * the text received, and for a plain call the intent's worst-case estimate (`costEstimated`);
 * corrected later by an `InferenceReconciled` when OpenRouter reports the generation.
 */
export type InferenceCancelled = Event<
  'InferenceCancelled',
  CallFacts & {
    /** `shutdown`: the service stopped; `client`: the caller disconnected or cancelled. */
    readonly reason: 'shutdown' | 'client';
    /** The code the caller was answered with; null when nobody was left to answer. */
    readonly errorCode: ErrorCode | null;
    readonly errorMessage: string;
    readonly inputTokens: number;
    readonly outputTokens: number;
    readonly costNanos: NanoUsd;
    readonly costEstimated: boolean;
    readonly reportedCostNanos: NanoUsd | null;
    readonly attempts: number;
    readonly upstreamId: string | null;
  }
>;

/**
 * An intent (`InferenceStarted`) whose instance died before recording an outcome, settled by a
 * live instance or at the next start. Its cost is the intent's worst-case estimate until
 * reconciled.
 */
export type InferenceInterrupted = Event<
  'InferenceInterrupted',
  CallFacts & {
    readonly costNanos: NanoUsd;
    readonly costEstimated: boolean;
    readonly upstreamId: string | null;
    /** The instance that sent the call and died. */
    readonly ownerInstanceId: string;
    /** The instance that settled it. */
    readonly settledBy: string;
  }
>;

/** Every outcome event; each one is the single outcome of one call and makes its record. */
export type InferenceEvent =
  | InferenceSucceeded
  | InferenceFailed
  | InferenceServedFromCache
  | InferenceRateLimited
  | InferenceCancelled
  | InferenceInterrupted;

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
  'InferenceCancelled',
  'InferenceInterrupted',
];
