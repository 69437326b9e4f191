import {
  callRecordOf,
  usageDeltaOf,
  type CallRecord,
  type CallLogEvent,
  type Level,
  type CallStatus,
  type ToolCall,
} from '../../../domain';
import type { StoredEvent } from '../../../ports';

/** The call-record columns of a projection row; null for an intent. */
const recordColumns = (e: CallLogEvent) => {
  if (e.type === 'InferenceStarted') return { id: e.data.callId, created_at: e.occurredAt };
  if (e.type === 'InferenceUpstreamIdentified') {
    return { id: e.data.callId, upstream_id: e.data.upstreamId };
  }
  if (e.type === 'InferenceReconciled') {
    // Only the figures a reconciliation replaces; `status` stays null, so no record is inserted.
    const d = e.data;
    return {
      id: d.callId,
      input_tokens: d.inputTokens,
      output_tokens: d.outputTokens,
      cost_nanos: d.costNanos,
      reported_cost_nanos: d.reportedCostNanos,
      upstream_id: d.upstreamId,
    };
  }
  const r = callRecordOf(e);
  return {
    id: r.id,
    created_at: r.createdAt,
    level: r.level,
    purpose: r.purpose,
    model: r.model,
    status: r.status,
    input_tokens: r.inputTokens,
    output_tokens: r.outputTokens,
    reasoning_tokens: r.reasoningTokens,
    cached_input_tokens: r.cachedInputTokens,
    input_hash: r.inputHash,
    result_text: r.resultText,
    tool_calls: r.toolCalls,
    finish_reason: r.finishReason,
    latency_ms: r.latencyMs,
    cost_nanos: r.costNanos,
    reported_cost_nanos: r.reportedCostNanos,
    cost_estimated: r.costEstimated,
    error_code: r.errorCode,
    error_message: r.errorMessage,
    attempts: r.attempts,
    project_id: r.projectId,
    agent_id: r.agentId,
    command_id: r.commandId,
    turn_id: r.turnId,
    upstream_id: r.upstreamId,
    streamed: r.streamed,
    ttft_ms: r.ttftMs,
  };
};

/** The usage columns of a projection row; absent when the event counts nothing. */
const usageColumns = (e: CallLogEvent) => {
  const change = usageDeltaOf(e);
  if (!change) return {};
  const { key, delta: d } = change;
  return {
    bucket_ms: key.bucket,
    u_level: key.level,
    u_model: key.model,
    u_project: key.projectId ?? '',
    d_calls: d.calls,
    d_succeeded: d.succeededCalls,
    d_failed: d.failedCalls,
    d_cached: d.cachedCalls,
    d_rate_limited: d.rateLimitedCalls,
    d_cancelled: d.cancelledCalls,
    d_interrupted: d.interruptedCalls,
    d_input_tokens: d.inputTokens,
    d_output_tokens: d.outputTokens,
    d_reasoning_tokens: d.reasoningTokens,
    d_cost: d.costNanos,
    d_reported: d.reportedCostNanos,
    d_saved: d.savedNanos,
    d_latency_sum: d.latencyMsSum,
    d_latency_calls: d.latencyCalls,
    d_ttft_sum: d.ttftMsSum,
    d_ttft_calls: d.ttftCalls,
  };
};

/**
 * One event as the append statement reads it: the envelope, its call record (or the figures a
 * reconciliation replaces, or an intent's owner and estimate) and its usage delta, all computed
 * by the domain's pure functions so that live appends and rebuilds agree by construction.
 * Columns an event does not have are left out and read as NULL.
 */
export const projectionRowOf = (e: CallLogEvent, pos?: number) => ({
  pos,
  event_id: e.eventId,
  type: e.type,
  occurred_at: e.occurredAt,
  data: e.data,
  ...recordColumns(e),
  ...(e.type === 'InferenceStarted'
    ? { intent_instance: e.data.instanceId, intent_cost: e.data.estimatedCostNanos }
    : {}),
  ...usageColumns(e),
});

/**
 * One event's row as JSON text. PostgreSQL text and jsonb cannot hold U+0000, so it is stored
 * as U+FFFD; only an escape preceded by an even number of backslashes is a real NUL.
 */
export const projectionRowJson = (e: CallLogEvent, pos?: number): string => {
  const json = JSON.stringify(projectionRowOf(e, pos));
  return json.includes('\\u0000') ? json.replace(/(?<!\\)((?:\\\\)*)\\u0000/g, '$1\\ufffd') : json;
};

/**
 * The JSON parameter of one statement: one row per distinct event id, in order (the first
 * wins, as a repeat in one batch must not count twice). `rowOf` may return rows made earlier.
 */
export const projectionPayload = (
  events: readonly CallLogEvent[],
  rowOf: (e: CallLogEvent, i: number) => string = (e) => projectionRowJson(e),
): string => {
  const seen = new Set<string>();
  const rows: string[] = [];
  for (const [i, e] of events.entries()) {
    if (seen.has(e.eventId)) continue;
    seen.add(e.eventId);
    rows.push(rowOf(e, i));
  }
  return `[${rows.join(',')}]`;
};

/** A filter value as stored: PostgreSQL text cannot hold U+0000, writes keep it as U+FFFD. */
export const storedText = (s: string): string =>
  s.includes('\u0000') ? s.replaceAll('\u0000', '\ufffd') : s;

/** A row of `inference_events`, as read back. */
export interface EventRow {
  readonly position: string | number;
  readonly event_id: string;
  readonly type: CallLogEvent['type'];
  readonly occurred_at: Date;
  readonly data: CallLogEvent['data'];
}

/** The stored event a log row holds. */
export const storedEventOf = (row: EventRow): StoredEvent => ({
  position: Number(row.position),
  event: {
    type: row.type,
    eventId: row.event_id,
    occurredAt: row.occurred_at.toISOString(),
    data: row.data,
  } as CallLogEvent,
});

/** The columns read for a call record; money comes back as integer nano-USD. */
export const CALL_COLUMNS = [
  'id',
  'created_at',
  'level',
  'purpose',
  'model',
  'status',
  'input_tokens',
  'output_tokens',
  'reasoning_tokens',
  'cached_input_tokens',
  'input_hash',
  'result_text',
  'tool_calls',
  'finish_reason',
  'latency_ms',
  'cost_estimated',
  'error_code',
  'error_message',
  'attempts',
  'project_id',
  'agent_id',
  'command_id',
  'turn_id',
  'upstream_id',
  'streamed',
  'ttft_ms',
].join(', ');

/** Money columns in nano-USD, exact: numeric(20,9) × 1e9 is an integer. */
export const CALL_MONEY =
  '(cost_usd * 1000000000)::bigint AS cost_nanos, (reported_cost_usd * 1000000000)::bigint AS reported_cost_nanos';

/** A row of `inference_calls` as selected with CALL_COLUMNS and CALL_MONEY. */
export interface CallRow {
  readonly id: string;
  readonly created_at: Date;
  readonly level: Level;
  readonly purpose: string;
  readonly model: string;
  readonly status: CallStatus;
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly reasoning_tokens: number;
  readonly cached_input_tokens: number;
  readonly input_hash: string;
  readonly result_text: string | null;
  readonly tool_calls: readonly ToolCall[] | null;
  readonly finish_reason: string | null;
  readonly latency_ms: number;
  readonly cost_nanos: string;
  readonly reported_cost_nanos: string | null;
  readonly cost_estimated: boolean;
  readonly error_code: string | null;
  readonly error_message: string | null;
  readonly attempts: number;
  readonly project_id: string | null;
  readonly agent_id: string | null;
  readonly command_id: string | null;
  readonly turn_id: string | null;
  readonly upstream_id: string | null;
  readonly streamed: boolean;
  readonly ttft_ms: number | null;
}

/** The call record a row holds. */
export const callRecordOfRow = (r: CallRow): CallRecord => ({
  id: r.id,
  createdAt: r.created_at.toISOString(),
  level: r.level,
  purpose: r.purpose,
  model: r.model,
  status: r.status,
  inputTokens: r.input_tokens,
  outputTokens: r.output_tokens,
  reasoningTokens: r.reasoning_tokens,
  cachedInputTokens: r.cached_input_tokens,
  inputHash: r.input_hash,
  resultText: r.result_text,
  toolCalls: r.tool_calls,
  finishReason: r.finish_reason,
  latencyMs: r.latency_ms,
  costNanos: Number(r.cost_nanos),
  reportedCostNanos: r.reported_cost_nanos === null ? null : Number(r.reported_cost_nanos),
  costEstimated: r.cost_estimated,
  errorCode: r.error_code,
  errorMessage: r.error_message,
  attempts: r.attempts,
  projectId: r.project_id,
  agentId: r.agent_id,
  commandId: r.command_id,
  turnId: r.turn_id,
  upstreamId: r.upstream_id,
  streamed: r.streamed,
  ttftMs: r.ttft_ms,
});
