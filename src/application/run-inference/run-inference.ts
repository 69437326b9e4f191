import { err, errAsync, ok, ResultAsync } from 'neverthrow';
import {
  allowedModels,
  attemptsOf,
  billedCostNanos,
  cacheKey,
  chooseModel,
  conversationOf,
  estimateTokens,
  inferenceError,
  inferenceRequestSchema,
  inputHash,
  parseInferenceRequest,
  withAttempts,
  type Fallbacks,
  type InferenceError,
  type InferenceEvent,
  type InferenceRequest,
  type InferenceResult,
  type ModelChoice,
  type ModelMap,
} from '../../domain';
import type {
  Cache,
  CachedAnswer,
  CallLog,
  Clock,
  CompletionRequest,
  EventPublisher,
  LlmGateway,
  RateLimiter,
  SchemaValidator,
} from '../../ports';
import type { PriceBook } from '../pricing/price-book';
import type { BudgetGate } from './budget-gate';
import { eventFactory, resultOf, type Call } from './call';
import {
  checkedCompletion,
  NOTHING_SPENT,
  type Checked,
  type OutputCheck,
  type Spent,
} from './checked-completion';
import { CallStream, type StreamSink } from './call-stream';
import {
  cancelledEvent,
  deltaOfAnswer,
  streamedCompletion,
  type StreamStopped,
} from './stream-upstream';
import { Coalescer, type SharedOutcome } from './coalescer';
import { InFlightCalls, SHUTTING_DOWN } from './in-flight';
import { intentOf, shuttingDown } from './intent';
import { checkSchemas } from './request-schemas';

/** What runInference needs. */
export interface RunInferenceDeps {
  readonly gateway: LlmGateway;
  readonly log: CallLog;
  readonly cache: Cache;
  readonly limiter: RateLimiter;
  readonly clock: Clock;
  readonly publisher: EventPublisher;
  readonly prices: PriceBook;
  readonly schemas: SchemaValidator;
  readonly newId: () => string;
  /** Spend caps; none when absent. */
  readonly budgets?: BudgetGate;
  /** This service instance, named in each intent (default: a fixed in-process name). */
  readonly instanceId?: string;
  /** The calls running, for shutdown (default: a registry of its own). */
  readonly inFlight?: InFlightCalls;
  readonly settings: {
    readonly models: ModelMap;
    readonly fallbacks: Fallbacks;
    /** Further models a request may name in `model`. */
    readonly allowedModels: readonly string[];
    /** Repairs of invalid structured output before `invalid_output`. */
    readonly repairAttempts: number;
    readonly maxInputChars: number;
    readonly cacheEnabled: boolean;
    /** false: degraded, every call answers `unavailable` (NFR4). */
    readonly apiKeyConfigured: boolean;
  };
}

/**
 * One inference: validate → cache/coalesce → rate limit → gateway → append event → result. With
 * a `stream` sink the answer also goes out in deltas as it arrives (never coalesced).
 */
export type RunInference = (
  raw: unknown,
  stream?: StreamSink,
) => ResultAsync<InferenceResult, InferenceError>;

/**
 * Builds the runInference use case. Every request that passes validation appends exactly one
 * outcome event, before it is published. Cache hits and coalesced calls do not take rate-limit
 * capacity: the limits guard upstream spend, and those calls spend nothing.
 */
export const makeRunInference = (deps: RunInferenceDeps): RunInference => {
  const { clock, settings } = deps;
  const schema = inferenceRequestSchema(settings.maxInputChars);
  const policy = {
    models: settings.models,
    fallbacks: settings.fallbacks,
    allowedModels: settings.allowedModels,
  };
  const allowed = allowedModels(policy);
  const coalescer = new Coalescer();
  const event = eventFactory(() => clock.now(), deps.newId);
  const inFlight = deps.inFlight ?? new InFlightCalls();
  const instanceId = deps.instanceId ?? 'in-process';

  /** Appends, then publishes; the value is returned only once the event is recorded. */
  const record = (e: InferenceEvent): ResultAsync<InferenceEvent, InferenceError> => {
    // Every outcome settles its call's budget reservation to the cost it records.
    deps.budgets?.settle(e);
    // The cause (a driver message, maybe with SQL) is the call log's to log; callers get a sentence.
    return ResultAsync.fromPromise(deps.log.append([e]), () =>
      inferenceError('unavailable', 'the call could not be recorded; the service log has why'),
    ).map(() => {
      deps.publisher.publish(e);
      return e;
    });
  };

  const answer = (call: Call, e: InferenceEvent) =>
    record(e).map((r) => resultOf(r, call.req.responseFormat !== undefined));

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
      return record(refused).andThen(() => errAsync(error));
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
    return record(e).andThen(() => errAsync(error));
  };

  const serveCached = (call: Call, hit: CachedAnswer, coalesced: boolean) => {
    call.stream?.deliver(deltaOfAnswer(hit));
    return answer(
      call,
      event(withModel(call, hit.model), 'InferenceServedFromCache', {
        text: hit.text,
        inputTokens: hit.inputTokens,
        outputTokens: hit.outputTokens,
        reasoningTokens: hit.reasoningTokens ?? 0,
        cachedInputTokens: hit.cachedInputTokens ?? 0,
        toolCalls: hit.toolCalls ?? null,
        finishReason: hit.finishReason ?? null,
        savedNanos: hit.costNanos,
        sourceCallId: hit.sourceCallId,
        coalesced,
      }),
    );
  };

  /** The intent, durable before anything is sent; if it cannot be, the call is refused. */
  const announce = (call: Call) => {
    const started = intentOf(
      call,
      deps.prices.priceOf(call.facts.model),
      instanceId,
      deps.newId(),
      clock.now(),
    );
    // The cause (a database or disk error) stays in the service log, never in the answer.
    return ResultAsync.fromPromise(deps.log.append([started]), () =>
      inferenceError(
        'unavailable',
        'the call could not be made durable before sending, so nothing was sent; the service log has why',
      ),
    ).map(() => started);
  };

  /** Aborted upstream at shutdown: recorded `cancelled` at the worst-case cost, then refused. */
  const cancel = (call: Call, estimatedCostNanos: number, error: InferenceError) =>
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
        upstreamId: null,
      }),
    ).andThen(() => errAsync(error));

  const follow = (call: Call, o: SharedOutcome) =>
    o.ok ? serveCached(call, o.answer, true) : refuse(call, withAttempts(o.error, 0));

  /** Budgets first (a refusal there takes no rate-limit capacity), then the rate limits. */
  const budgetThenLimit = async (call: Call, tokens: number) => {
    const budgeted = deps.budgets ? await deps.budgets.reserve(call) : ok(undefined);
    if (budgeted.isErr()) return err(budgeted.error);
    return deps.limiter.acquire(tokens);
  };

  const callUpstream = (
    call: Call,
    lead: boolean,
  ): ResultAsync<InferenceResult, InferenceError> => {
    const share = lead && call.key !== null ? coalescer.lead(call.key) : undefined;
    const admission = inFlight.raceShutdown(
      budgetThenLimit(call, estimateTokens(call.req)),
      (late) => {
        if (late.isOk()) late.value.settle(0);
      },
    );
    const outcome = ResultAsync.fromSafePromise(admission).andThen(
      (admitted): ResultAsync<InferenceResult, InferenceError> => {
        if (admitted === SHUTTING_DOWN) {
          const error = shuttingDown('refused while waiting for rate-limit capacity');
          share?.({ ok: false, error });
          return refuse(call, error);
        }
        if (admitted.isErr()) {
          const refusal = admitted.error;
          const error =
            'code' in refusal
              ? refusal
              : inferenceError('rate_limited', `rate limit ${refusal.limit} reached`, {
                  limit: refusal.limit,
                  retryAfterMs: refusal.retryAfterMs,
                });
          share?.({ ok: false, error });
          return refuse(call, error);
        }
        const permit = admitted.value;
        return announce(call)
          .orElse((error) => {
            permit.settle(0);
            share?.({ ok: false, error });
            return refuse(call, error);
          })
          .andThen((started) => {
            const upstream = inFlight.sendUpstream(call.facts.callId);
            const completion: ResultAsync<Checked, StreamStopped> = call.stream
              ? streamedCompletion(
                  { gateway: deps.gateway, costOf },
                  { ...call, stream: call.stream },
                )
              : checkedCompletion(
                  { gateway: deps.gateway, costOf, repairAttempts: settings.repairAttempts },
                  { ...call.upstream, signal: upstream.signal },
                  call.check,
                );
            return completion
              .orElse((stop) => {
                const { error, spent, model } = stop;
                upstream.release();
                permit.settle(spent.inputTokens + spent.outputTokens);
                const { cancelled } = stop;
                if (cancelled) {
                  const e = cancelledEvent(event, call, { ...stop, cancelled });
                  share?.({ ok: false, error });
                  return record(e).andThen(() => errAsync(error));
                }
                if (upstream.signal.aborted) {
                  const stopped = shuttingDown(
                    upstream.signal.reason instanceof Error
                      ? upstream.signal.reason.message
                      : 'aborted',
                    ('attempts' in error ? error.attempts : undefined) ?? 1,
                  );
                  share?.({ ok: false, error: stopped });
                  return cancel(call, started.data.estimatedCostNanos, stopped);
                }
                share?.({ ok: false, error });
                return refuse(model === undefined ? call : withModel(call, model), error, spent);
              })
              .andThen(({ completion: c, spent }) => {
                upstream.release();
                permit.settle(spent.inputTokens + spent.outputTokens);
                const answered = withModel(call, c.model);
                const facts = {
                  reasoningTokens: spent.reasoningTokens,
                  cachedInputTokens: spent.cachedInputTokens,
                  toolCalls: c.toolCalls,
                  finishReason: c.finishReason,
                };
                const cached: CachedAnswer = {
                  text: c.text,
                  model: c.model,
                  inputTokens: spent.inputTokens,
                  outputTokens: spent.outputTokens,
                  ...facts,
                  costNanos: spent.costNanos,
                  sourceCallId: call.facts.callId,
                };
                if (call.key !== null) deps.cache.set(call.key, cached).catch(() => undefined);
                share?.({ ok: true, answer: cached });
                return answer(
                  call,
                  event(answered, 'InferenceSucceeded', {
                    text: c.text,
                    inputTokens: spent.inputTokens,
                    outputTokens: spent.outputTokens,
                    ...facts,
                    costNanos: spent.costNanos,
                    reportedCostNanos: spent.reportedCostNanos,
                    unpriced: spent.unpriced,
                    attempts: spent.attempts,
                    upstreamId: c.upstreamId,
                  }),
                );
              });
          });
      },
    );
    if (!share) return outcome;
    // A port that throws is a bug, but callers waiting on this leader must still hear an end.
    return new ResultAsync(
      Promise.resolve(outcome).catch((e: unknown) => {
        share({
          ok: false,
          error: inferenceError('unavailable', 'internal error in the call this one joined'),
        });
        throw e;
      }),
    );
  };

  const costOf = (c: { model: string } & Parameters<typeof billedCostNanos>[1]) => {
    const price = deps.prices.priceOf(c.model);
    return price ? billedCostNanos(price, c) : undefined;
  };

  const begin = (
    req: InferenceRequest,
    choice: ModelChoice,
    startedAt: number,
    sink?: StreamSink,
  ): Call => {
    const { model, fallbacks } = choice;
    const upstream: CompletionRequest = {
      model,
      fallbacks: fallbacks.length > 0 ? fallbacks : undefined,
      messages: conversationOf(req),
      maxOutputTokens: req.maxOutputTokens,
      temperature: req.temperature,
      topP: req.topP,
      stop: req.stop,
      seed: req.seed,
      responseFormat: req.responseFormat,
      tools: req.tools,
      toolChoice: req.toolChoice,
      reasoning: req.reasoning,
    };
    const call = {
      req,
      startedAt,
      upstream,
      check: undefined,
      key: settings.cacheEnabled ? cacheKey({ model, fallbacks, request: req }) : null,
      facts: {
        callId: deps.newId(),
        level: req.level,
        purpose: req.purpose,
        model,
        inputHash: inputHash(req),
        projectId: req.projectId ?? null,
        agentId: req.agentId ?? null,
        commandId: req.commandId ?? null,
        turnId: req.turnId ?? null,
        latencyMs: 0,
      },
    };
    if (!sink) return call;
    return { ...call, stream: new CallStream(sink, () => clock.now(), startedAt, call.facts) };
  };

  const run = (
    startedAt: number,
    parsed: InferenceRequest,
    choice: ModelChoice,
    check: OutputCheck | undefined,
    sink: StreamSink | undefined,
  ) => {
    if (deps.log.health().full) {
      // Serving a call we cannot record would break "every call has a record": refuse instead.
      return errAsync(
        inferenceError('unavailable', 'the call log backlog is full; the database is unreachable'),
      );
    }
    const call = { ...begin(parsed, choice, startedAt, sink), check };
    if (inFlight.stopping) return refuse(call, shuttingDown('no new calls are taken'));
    if (!settings.apiKeyConfigured) {
      return refuse(call, inferenceError('unavailable', 'no OpenRouter API key is configured'));
    }
    const { key } = call;
    if (key === null || call.req.cache === false) return callUpstream(call, false);
    return ResultAsync.fromSafePromise(deps.cache.get(key).catch(() => undefined)).andThen(
      (hit) => {
        if (hit) return serveCached(call, hit, false);
        // A stream cannot join another call's answer mid-flight, nor let others join its own.
        const inflight = call.stream ? undefined : coalescer.join(key);
        if (inflight) return ResultAsync.fromSafePromise(inflight).andThen((o) => follow(call, o));
        return callUpstream(call, !call.stream);
      },
    );
  };

  return (raw, sink) => {
    const startedAt = clock.now();
    const parsed = parseInferenceRequest(schema, raw);
    if (parsed.isErr()) return errAsync(parsed.error);
    const choice = chooseModel(policy, parsed.value.level, parsed.value.model, allowed);
    if (choice.isErr()) return errAsync(choice.error);
    const check = checkSchemas(deps.schemas, parsed.value);
    if (check.isErr()) return errAsync(check.error);
    // Counted until answered, so a shutdown waits for it (and records it) before exiting.
    const done = inFlight.track();
    return new ResultAsync(
      Promise.resolve(run(startedAt, parsed.value, choice.value, check.value, sink)).finally(done),
    );
  };
};

/** The call as answered by `model` (a fallback, or the model of a cached answer). */
const withModel = (call: Call, model: string): Call =>
  model === call.facts.model ? call : { ...call, facts: { ...call.facts, model } };
