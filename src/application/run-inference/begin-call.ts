import {
  cacheKey,
  conversationOf,
  inputHash,
  type Consumer,
  type InferenceRequest,
  type ModelChoice,
} from '../../domain';
import type { Clock, CompletionRequest, CallObserver } from '../../ports';
import type { Call } from './call';
import { CallStream, type StreamSink } from './call-stream';
import type { OutputCheck } from './checked-completion';

/** What beginning a call needs. */
export interface BeginDeps {
  readonly clock: Clock;
  readonly newId: () => string;
  readonly cacheEnabled: boolean;
}

/**
 * A validated request becomes a call: its id and facts, what is sent upstream (the chosen model
 * and fallbacks), its cache key, and, for a stream, the sink its deltas go to.
 */
export const beginCall = (
  d: BeginDeps,
  req: InferenceRequest,
  choice: ModelChoice,
  startedAt: number,
  check: OutputCheck | undefined,
  observer: CallObserver,
  sink?: StreamSink,
  consumer?: Consumer,
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
    parentSpan: observer.traceParent,
  };
  const call = {
    req,
    startedAt,
    upstream,
    check,
    observer,
    ...(consumer ? { consumer } : {}),
    key: d.cacheEnabled ? cacheKey({ model, fallbacks, request: req }) : null,
    facts: {
      callId: d.newId(),
      level: req.level,
      purpose: req.purpose,
      model,
      inputHash: inputHash(req),
      projectId: req.projectId ?? null,
      agentId: req.agentId ?? null,
      commandId: req.commandId ?? null,
      turnId: req.turnId ?? null,
      latencyMs: 0,
      traceId: observer.traceId ?? null,
      keyId: consumer?.keyId ?? null,
    },
  };
  if (!sink) return call;
  const clock = () => d.clock.now();
  return { ...call, stream: new CallStream(sink, clock, startedAt, call.facts) };
};
