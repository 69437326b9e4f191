import { errAsync, ResultAsync } from 'neverthrow';
import {
  allowedModels,
  billedCostNanos,
  chooseModel,
  inferenceError,
  inferenceRequestSchema,
  parseInferenceRequest,
  type Consumer,
  type InferenceError,
  type InferenceRequest,
  type InferenceResult,
  type ModelChoice,
} from '../../domain';
import { beginCall } from './begin-call';
import { eventFactory, UNOBSERVED } from './call';
import type { StreamSink } from './call-stream';
import type { OutputCheck } from './checked-completion';
import { Coalescer } from './coalescer';
import { InFlightCalls } from './in-flight';
import { shuttingDown } from './intent';
import { makeOutcomes } from './outcomes';
import { neverAdmitted } from './admission';
import { keyForbids } from './key-admission';
import { checkSchemas, needsOutputCheck } from './request-schemas';
import { makeCallUpstream, type CostOf } from './upstream-call';
import type { RunInferenceDeps } from './deps';
import type { CallObserver } from '../../ports';

export type { RunInferenceDeps } from './deps';

/**
 * One inference: validate → cache/coalesce → rate limit → gateway → append event → result. With
 * a `stream` sink the answer also goes out in deltas as it arrives (never coalesced).
 */
export type RunInference = (
  raw: unknown,
  stream?: StreamSink,
  observer?: CallObserver,
  /** The consumer key the call is made with; none for the bootstrap token, open mode or in process. */
  consumer?: Consumer,
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
  const outcomes = makeOutcomes(deps, event);
  const { refuse, serveCached, follow } = outcomes;
  const costOf: CostOf = (c) => {
    const price = deps.prices.priceOf(c.model);
    return price ? billedCostNanos(price, c) : undefined;
  };
  const callUpstream = makeCallUpstream({
    deps,
    outcomes,
    event,
    coalescer,
    inFlight,
    instanceId: deps.instanceId ?? 'in-process',
    costOf,
  });
  const begin = { clock, newId: deps.newId, cacheEnabled: settings.cacheEnabled };

  const run = (
    startedAt: number,
    parsed: InferenceRequest,
    choice: ModelChoice,
    check: OutputCheck | undefined,
    sink: StreamSink | undefined,
    observer: CallObserver,
    consumer: Consumer | undefined,
  ) => {
    if (deps.log.health().full) {
      // Serving a call we cannot record would break "every call has a record": refuse instead.
      return errAsync(
        inferenceError('unavailable', 'the call log backlog is full; the database is unreachable'),
      );
    }
    const call = beginCall(begin, parsed, choice, startedAt, check, observer, sink, consumer);
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

  return (raw, sink, observer = UNOBSERVED, consumer) => {
    const startedAt = clock.now();
    const parsed = parseInferenceRequest(schema, raw);
    if (parsed.isErr()) return errAsync(parsed.error);
    const choice = chooseModel(policy, parsed.value.level, parsed.value.model, allowed);
    if (choice.isErr()) return errAsync(choice.error);
    const forbidden = consumer ? keyForbids(consumer, parsed.value.level, choice.value) : undefined;
    if (forbidden) return errAsync(forbidden);
    const unfit = neverAdmitted(parsed.value, settings.tokensPerMinute);
    if (unfit) return errAsync(unfit);
    // Counted until answered, so a shutdown waits for it (and records it) before exiting.
    const done = inFlight.track();
    const go = (check: OutputCheck | undefined) =>
      run(startedAt, parsed.value, choice.value, check, sink, observer, consumer);
    // Schemas compile off the event loop (asynchronously); a call without any skips it all.
    const answer = needsOutputCheck(parsed.value)
      ? checkSchemas(deps.schemas, parsed.value).andThen(go)
      : go(undefined);
    return new ResultAsync(Promise.resolve(answer).finally(done));
  };
};
