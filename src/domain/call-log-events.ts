import type { Event, InferenceEvent } from './events';
import type { Level } from './levels';
import type { NanoUsd } from './money';

/**
 * The intent: a call is about to be sent upstream. Appended (durably) before anything is sent,
 * so a call whose process dies has a trace; its outcome event settles it. Carries what the
 * outcome record needs. `occurredAt` is the record's `created_at`.
 */
export type InferenceStarted = Event<
  'InferenceStarted',
  {
    readonly callId: string;
    readonly level: Level;
    readonly purpose: string;
    readonly model: string;
    readonly inputHash: string;
    readonly projectId: string | null;
    readonly agentId: string | null;
    readonly commandId: string | null;
    readonly turnId: string | null;
    /** Worst-case cost: the cost an `interrupted` record carries until reconciled. */
    readonly estimatedCostNanos: NanoUsd;
    /** The instance sending it; only a dead instance's intents are settled by others. */
    readonly instanceId: string;
    /** The consumer key the call was made with (absent: none). */
    readonly keyId?: string | null;
  }
>;

/**
 * OpenRouter's generation id of a call still in flight, learnt before its answer (from the
 * response headers or the first streamed chunk). Kept with the open intent, so a call whose
 * instance dies can still be reconciled from `/generation`. Makes no record, counts nothing.
 */
export type InferenceUpstreamIdentified = Event<
  'InferenceUpstreamIdentified',
  { readonly callId: string; readonly upstreamId: string }
>;

/** An intent without an outcome yet, with the generation id its call was given, when known. */
export type OpenIntent = InferenceStarted & { readonly upstreamId: string | null };

/** A call's tokens and cost, as recorded. */
export interface SpendFigures {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costNanos: NanoUsd;
  readonly reportedCostNanos: NanoUsd | null;
}

/**
 * OpenRouter's `/generation` told the real tokens and cost of a call recorded with an estimate
 * (cancelled or interrupted). Replaces the record's figures and clears `cost_estimated`; usage
 * moves by the difference from `previous`, in the bucket of the original record.
 */
export type InferenceReconciled = Event<
  'InferenceReconciled',
  SpendFigures & {
    readonly callId: string;
    /** The record's `created_at`, level, model and project: where its usage was counted. */
    readonly callCreatedAt: string;
    readonly level: Level;
    readonly model: string;
    readonly projectId: string | null;
    /** The record's consumer key (absent: none). */
    readonly keyId?: string | null;
    /** The record's status: whose share of the spend the difference moves. */
    readonly status: 'cancelled' | 'interrupted';
    readonly upstreamId: string;
    /** The record's figures before this event. */
    readonly previous: SpendFigures;
  }
>;

/** Everything the call log holds: outcomes, plus intents, generation ids and reconciliations. */
export type CallLogEvent =
  InferenceEvent | InferenceStarted | InferenceUpstreamIdentified | InferenceReconciled;

/** The call log's event type names. */
export type CallLogEventType = CallLogEvent['type'];

/** True for the events that are a call's outcome (and make its record). */
export const isOutcome = (e: CallLogEvent): e is InferenceEvent =>
  e.type !== 'InferenceStarted' &&
  e.type !== 'InferenceUpstreamIdentified' &&
  e.type !== 'InferenceReconciled';
