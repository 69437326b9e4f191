import { errAsync, ResultAsync } from 'neverthrow';
import {
  attemptsOf,
  inferenceError,
  withAttempts,
  type InferenceError,
  type InferenceEvent,
} from '../../domain';
import type { CachedAnswer, Completion, CallObserver } from '../../ports';
import { resultOf, UNOBSERVED, type Call, type eventFactory } from './call';
import { NOTHING_SPENT, type Spent } from './checked-completion';
import type { SharedOutcome } from './coalescer';
import type { RunInferenceDeps } from './deps';
import { deltaOfAnswer } from './stream-upstream';

/** Each way a call ends: one outcome event, appended, then published, then answered. */
export type Outcomes = ReturnType<typeof makeOutcomes>;

/** The call as answered by `model` (a fallback, or the model of a cached answer). */
export const withModel = (call: Call, model: string): Call =>
  model === call.facts.model ? call : { ...call, facts: { ...call.facts, model } };

/**
 * What an outcome with an answer records of it. The tool calls are copied: the answer may be a
 * cache entry, and the event's are handed to the caller, who must not be able to change the
 * entry the next hit is served from.
 */
const answered = (a: CachedAnswer) => ({
  text: a.text,
  inputTokens: a.inputTokens,
  outputTokens: a.outputTokens,
  reasoningTokens: a.reasoningTokens ?? 0,
  cachedInputTokens: a.cachedInputTokens ?? 0,
  toolCalls: a.toolCalls ? structuredClone(a.toolCalls) : null,
  finishReason: a.finishReason ?? null,
});

export const makeOutcomes = (
  deps: Pick<RunInferenceDeps, 'log' | 'publisher' | 'budgets'>,
  event: ReturnType<typeof eventFactory>,
) => {
  /** Appends, then publishes; the value is returned only once the event is recorded. */
  const record = (
    e: InferenceEvent,
    observer: CallObserver = UNOBSERVED,
  ): ResultAsync<InferenceEvent, InferenceError> => {
    // Every outcome settles its call's budget reservation to the cost it records.
    deps.budgets?.settle(e);
    observer.enter('outcome');
    // The cause (a driver message, maybe with SQL) is the call log's to log; callers get a sentence.
    return ResultAsync.fromPromise(deps.log.append([e]), () =>
      inferenceError('unavailable', 'the call could not be recorded; the service log has why'),
    ).map((timing) => {
      observer.appended(timing);
      observer.enter('respond');
      observer.recorded(e);
      deps.publisher.publish(e);
      return e;
    });
  };

  const answer = (call: Call, e: InferenceEvent) =>
    record(e, call.observer).map((r) => resultOf(r, call.req.responseFormat !== undefined));

  /** A refusal or failure: recorded (with what the attempts so far cost), then the error. */
  const refuse = (
    call: Call,
    error: InferenceError,
    spent: Spent = NOTHING_SPENT,
  ): ResultAsync<never, InferenceError> => {
    if (error.code === 'budget_exceeded' && error.budget && error.retryAfterMs !== undefined) {
      const { budget, retryAfterMs } = error;
      const refused = event(call, 'InferenceRateLimited', {
        limit: 'budget',
        retryAfterMs,
        budget,
      });
      return record(refused, call.observer).andThen(() => errAsync(error));
    }
    const paid = spent.attempts > 0 && spent.inputTokens + spent.outputTokens > 0;
    const e =
      error.code === 'rate_limited' && error.limit && error.retryAfterMs !== undefined
        ? event(call, 'InferenceRateLimited', {
            limit: error.limit,
            retryAfterMs: error.retryAfterMs,
          })
        : event(call, 'InferenceFailed', {
            errorCode: error.code,
            errorMessage: error.detail,
            attempts: attemptsOf(error),
            upstreamStatus: ('upstreamStatus' in error ? error.upstreamStatus : undefined) ?? null,
            ...(paid
              ? {
                  inputTokens: spent.inputTokens,
                  outputTokens: spent.outputTokens,
                  reasoningTokens: spent.reasoningTokens,
                  cachedInputTokens: spent.cachedInputTokens,
                  costNanos: spent.costNanos,
                  reportedCostNanos: spent.reportedCostNanos,
                }
              : {}),
          });
    return record(e, call.observer).andThen(() => errAsync(error));
  };

  const serveCached = (call: Call, hit: CachedAnswer, coalesced: boolean) => {
    call.stream?.deliver(deltaOfAnswer(hit));
    return answer(
      call,
      event(withModel(call, hit.model), 'InferenceServedFromCache', {
        ...answered(hit),
        savedNanos: hit.costNanos,
        sourceCallId: hit.sourceCallId,
        coalesced,
      }),
    );
  };

  /** A coalesced call shares its leader's outcome: the answer, or the leader's error. */
  const follow = (call: Call, o: SharedOutcome) =>
    o.ok ? serveCached(call, o.answer, true) : refuse(call, withAttempts(o.error, 0));

  /**
   * Aborted upstream at shutdown: recorded `cancelled` at the worst-case cost, with the
   * generation id when it was known (to reconcile the cost later), then refused.
   */
  const cancel = (
    call: Call,
    estimatedCostNanos: number,
    error: InferenceError,
    upstreamId: string | null = null,
  ) =>
    record(
      event(call, 'InferenceCancelled', {
        reason: 'shutdown',
        errorCode: error.code,
        errorMessage: error.detail,
        inputTokens: 0,
        outputTokens: 0,
        costNanos: estimatedCostNanos,
        costEstimated: true,
        reportedCostNanos: null,
        attempts: ('attempts' in error ? error.attempts : undefined) ?? 1,
        upstreamId,
      }),
      call.observer,
    ).andThen(() => errAsync(error));

  /**
   * A success: `share` first hears the answer as the cache keeps it (to cache it and hand it to
   * coalesced callers), then the success is recorded and answered.
   */
  const succeed = (
    call: Call,
    c: Completion,
    spent: Spent,
    share: (cached: CachedAnswer) => void,
  ) => {
    const cached: CachedAnswer = {
      text: c.text,
      model: c.model,
      inputTokens: spent.inputTokens,
      outputTokens: spent.outputTokens,
      reasoningTokens: spent.reasoningTokens,
      cachedInputTokens: spent.cachedInputTokens,
      toolCalls: c.toolCalls,
      finishReason: c.finishReason,
      costNanos: spent.costNanos,
      sourceCallId: call.facts.callId,
    };
    share(cached);
    return answer(
      call,
      event(withModel(call, c.model), 'InferenceSucceeded', {
        ...answered(cached),
        costNanos: spent.costNanos,
        reportedCostNanos: spent.reportedCostNanos,
        unpriced: spent.unpriced,
        attempts: spent.attempts,
        upstreamId: c.upstreamId,
      }),
    );
  };

  return { record, answer, refuse, serveCached, follow, cancel, succeed };
};
