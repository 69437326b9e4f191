import { err, errAsync, ok, ResultAsync } from 'neverthrow';
import {
  billedCostNanos,
  estimateTokens,
  type NanoUsd,
  inferenceError,
  type InferenceError,
  type InferenceResult,
} from '../../domain';
import type { Call, eventFactory } from './call';
import { checkedCompletion, type Checked } from './checked-completion';
import type { Coalescer } from './coalescer';
import { SHUTTING_DOWN, type InFlightCalls } from './in-flight';
import { intentOf, shuttingDown } from './intent';
import { withModel, type Outcomes } from './outcomes';
import type { RunInferenceDeps } from './deps';
import { cancelledEvent, streamedCompletion, type StreamStopped } from './stream-upstream';
import { upstreamIdentity } from './upstream-identity';

/** What a call that goes upstream needs besides the use case's ports. */
export interface UpstreamContext {
  readonly deps: RunInferenceDeps;
  readonly outcomes: Outcomes;
  readonly event: ReturnType<typeof eventFactory>;
  readonly coalescer: Coalescer;
  readonly inFlight: InFlightCalls;
  readonly instanceId: string;
  readonly costOf: CostOf;
}

/** What an answer cost at the price of the model that gave it; undefined when unpriced. */
export type CostOf = (
  c: { model: string } & Parameters<typeof billedCostNanos>[1],
) => NanoUsd | undefined;

/**
 * A call that must go upstream: budgets, then rate limits (waiting in line, or refused), then the
 * intent made durable (else refused, nothing sent), then OpenRouter, then the one outcome. With
 * `lead`, identical calls arriving meanwhile wait for this one and share its outcome.
 */
export const makeCallUpstream = (u: UpstreamContext) => {
  const { deps, outcomes, event, coalescer, inFlight } = u;
  const { refuse, record, cancel, succeed } = outcomes;
  const identityDeps = {
    log: deps.log,
    clock: deps.clock,
    newId: deps.newId,
    afterMs: deps.settings.identifyUpstreamAfterMs ?? 200,
  };

  /** The intent, durable before anything is sent; if it cannot be, the call is refused. */
  const announce = (call: Call) => {
    const price = deps.prices.priceOf(call.facts.model);
    const started = intentOf(call, price, u.instanceId, deps.newId(), deps.clock.now());
    call.observer.enter('intent');
    // The cause (a database or disk error) stays in the service log, never in the answer.
    return ResultAsync.fromPromise(deps.log.append([started]), () =>
      inferenceError(
        'unavailable',
        'the call could not be made durable before sending, so nothing was sent; the service log has why',
      ),
    ).map((timing) => {
      call.observer.appended(timing);
      return started;
    });
  };

  /**
   * Budgets first (a refusal there takes no rate-limit capacity), then the key's own rate limits,
   * then the global ones: a call must fit both. A key slot taken for a call the global limit
   * then refuses is released of its tokens (its call slot stays counted for the minute).
   */
  const budgetThenLimit = async (call: Call, tokens: number) => {
    call.observer.waitFrom();
    try {
      const budgeted = deps.budgets ? await deps.budgets.reserve(call) : ok(undefined);
      if (budgeted.isErr()) return err(budgeted.error);
      const { consumer } = call;
      if (!consumer || !deps.keyLimiters) return await deps.limiter.acquire(tokens);
      const keyed = await deps.keyLimiters.acquire(consumer, tokens);
      if (keyed.isErr()) return err(keyed.error);
      const own = keyed.value;
      const global = await deps.limiter.acquire(tokens);
      if (global.isErr()) {
        own.settle(0);
        return global;
      }
      const both = global.value;
      return ok({
        settle: (actual: number) => {
          own.settle(actual);
          both.settle(actual);
        },
      });
    } finally {
      call.observer.waitTo();
    }
  };

  return (call: Call, lead: boolean): ResultAsync<InferenceResult, InferenceError> => {
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
            call.observer.enter('upstream');
            const upstream = inFlight.sendUpstream(call.facts.callId);
            const identity = upstreamIdentity(identityDeps, call.facts.callId);
            const sent = { ...call.upstream, onUpstreamId: identity.learn };
            const completion: ResultAsync<Checked, StreamStopped> = call.stream
              ? streamedCompletion(
                  { gateway: deps.gateway, costOf: u.costOf },
                  { ...call, upstream: sent, stream: call.stream },
                  upstream.signal,
                )
              : checkedCompletion(
                  {
                    gateway: deps.gateway,
                    costOf: u.costOf,
                    repairAttempts: deps.settings.repairAttempts,
                  },
                  { ...sent, signal: upstream.signal },
                  call.check,
                );
            return completion
              .orElse((stop) => {
                const { error, spent, model } = stop;
                identity.end();
                upstream.release();
                permit.settle(spent.inputTokens + spent.outputTokens);
                const { cancelled } = stop;
                if (cancelled) {
                  const e = cancelledEvent(event, call, { ...stop, cancelled });
                  share?.({ ok: false, error });
                  return record(e, call.observer).andThen(() => errAsync(error));
                }
                if (upstream.signal.aborted) {
                  const stopped = shuttingDown(
                    upstream.signal.reason instanceof Error
                      ? upstream.signal.reason.message
                      : 'aborted',
                    ('attempts' in error ? error.attempts : undefined) ?? 1,
                  );
                  share?.({ ok: false, error: stopped });
                  return cancel(call, started.data.estimatedCostNanos, stopped, identity.id);
                }
                share?.({ ok: false, error });
                return refuse(model === undefined ? call : withModel(call, model), error, spent);
              })
              .andThen(({ completion: c, spent }) => {
                identity.end();
                upstream.release();
                permit.settle(spent.inputTokens + spent.outputTokens);
                return succeed(call, c, spent, (cached) => {
                  if (call.key !== null) deps.cache.set(call.key, cached).catch(() => undefined);
                  share?.({ ok: true, answer: cached });
                });
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
};
