import { createHash } from 'node:crypto';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import { inferenceError, type InferenceError, type PriceTable, type ToolCall } from '../../domain';
import type {
  CircuitState,
  Completion,
  CompletionRequest,
  GenerationLookup,
  HealthReport,
  LlmGateway,
  StreamControl,
  StreamFailure,
} from '../../ports';
import { InMemoryGenerations } from './in-memory-generations';
import { sampleOf } from './json-sample';
import { playStream } from './in-memory-stream';

/** A scripted outcome for the next call: an error, or a completion override. */
export type ScriptedOutcome = InferenceError | Partial<Completion>;

/**
 * A deterministic gateway for tests and `--memory` demos: the answer is derived from the
 * request, tokens are 4 characters each, and outcomes can be scripted call by call.
 */
export class InMemoryGateway implements LlmGateway {
  /** Every request received, in order. */
  readonly received: CompletionRequest[] = [];
  private readonly script: ScriptedOutcome[] = [];
  private pending: Array<() => void> = [];
  private held = false;
  health: HealthReport = {
    reachable: true,
    authenticated: true,
    checkedAt: new Date(0).toISOString(),
    latencyMs: 0,
    error: null,
  };
  circuit: CircuitState = 'closed';
  published: PriceTable = {};
  private breaks: InferenceError[] = [];
  /** What `generation` answers: served generations, scripted answers, a hold. */
  readonly generations = new InMemoryGenerations();

  /** Queues outcomes for the next calls; unscripted calls succeed. */
  enqueue(...outcomes: ScriptedOutcome[]): this {
    this.script.push(...outcomes);
    return this;
  }

  /** Holds every call in flight until `release()`; for concurrency tests. */
  hold(): this {
    this.held = true;
    return this;
  }

  /** Lets held calls complete. */
  release(): void {
    this.held = false;
    const waiting = this.pending;
    this.pending = [];
    for (const go of waiting) go();
  }

  complete(req: CompletionRequest): ResultAsync<Completion, InferenceError> {
    this.received.push(req);
    const next = this.script.shift();
    const outcome = (): ResultAsync<Completion, InferenceError> => {
      if (next && 'code' in next) return errAsync(next as InferenceError);
      const c: Completion = { ...answerTo(req), ...(next as Partial<Completion> | undefined) };
      this.generations.serve(c);
      return okAsync(c);
    };
    if (!this.held) return outcome();
    // A held call is in flight: its "headers" (and generation id) came, its answer did not.
    const early = next && 'code' in next ? null : (next?.upstreamId ?? answerTo(req).upstreamId);
    if (early) req.onUpstreamId?.(early);
    const released = new Promise<boolean>((r) => {
      this.pending.push(() => r(false));
      req.signal?.addEventListener('abort', () => r(true), { once: true });
    });
    return ResultAsync.fromSafePromise(released).andThen((aborted) =>
      aborted
        ? errAsync(
            inferenceError('unavailable', 'the request was aborted by its caller', { attempts: 1 }),
          )
        : outcome(),
    );
  }

  /** The next stream fails with `error` after its first delta (scripted outcomes still apply). */
  breakNextStream(error: InferenceError): this {
    this.breaks.push(error);
    return this;
  }

  /**
   * Streams what `complete` would answer, in a few deltas. A scripted error fails before the
   * first delta; while held, a stream sends its first delta and then waits for `release()`.
   */
  stream(req: CompletionRequest, control: StreamControl): ResultAsync<Completion, StreamFailure> {
    this.received.push(req);
    const next = this.script.shift();
    if (next && 'code' in next) {
      const e = next as InferenceError;
      const partial = { text: '', usage: null, upstreamId: null, delivered: false };
      return errAsync({
        error: e,
        cancelled: false,
        partial: {
          ...partial,
          model: req.model,
          attempts: ('attempts' in e ? e.attempts : undefined) ?? 1,
        },
      });
    }
    const c: Completion = { ...answerTo(req), ...(next as Partial<Completion> | undefined) };
    this.generations.serve(c);
    if (c.upstreamId !== null) req.onUpstreamId?.(c.upstreamId);
    const breakWith = this.breaks.shift();
    const held = this.held ? new Promise<void>((r) => this.pending.push(r)) : undefined;
    return playStream(c, control, {
      ...(held ? { held } : {}),
      ...(breakWith ? { breakWith } : {}),
    });
  }

  generation(upstreamId: string): ResultAsync<GenerationLookup, InferenceError> {
    return this.generations.lookup(upstreamId);
  }

  probe(): Promise<HealthReport> {
    return Promise.resolve(this.health);
  }

  prices(): Promise<PriceTable> {
    return Promise.resolve(this.published);
  }

  circuitState(): CircuitState {
    return this.circuit;
  }
}

/** A conversation as one system text and one input text (system messages, then the rest). */
export const promptOf = (req: CompletionRequest): { system: string; input: string } => {
  const text = (keep: (role: string) => boolean) =>
    req.messages
      .filter((m) => keep(m.role))
      .map((m) => m.content)
      .join('\n');
  return { system: text((r) => r === 'system'), input: text((r) => r !== 'system') };
};

/**
 * The deterministic answer to a request (shared with the fake OpenRouter server): an echo of
 * the prompt; with a response format, JSON (a sample of the schema); with `toolChoice` naming a
 * function, a call to it. Reasoning, when asked for, is a quarter of the output.
 */
export const answerTo = (req: CompletionRequest): Completion => {
  const { system, input } = promptOf(req);
  const digest = createHash('sha256')
    .update(`${req.model}\n${system}\n${input}`)
    .digest('hex')
    .slice(0, 12);
  const format = req.responseFormat;
  const text =
    format === undefined
      ? `echo(${digest}): ${input.slice(0, 64)}`
      : JSON.stringify(format.type === 'json' ? { echo: digest } : sampleOf(format.schema));
  const chosen = typeof req.toolChoice === 'object' ? req.toolChoice.function.name : undefined;
  const toolCalls: ToolCall[] | null =
    chosen === undefined
      ? null
      : [{ id: `call_${digest}`, type: 'function', function: { name: chosen, arguments: '{}' } }];
  const outputTokens = Math.min(Math.ceil(text.length / 4), req.maxOutputTokens ?? Infinity);
  return {
    text: toolCalls ? '' : text,
    toolCalls,
    finishReason: toolCalls ? 'tool_calls' : 'stop',
    inputTokens: Math.ceil((system.length + input.length) / 4),
    outputTokens,
    reasoningTokens: req.reasoning === undefined ? 0 : Math.floor(outputTokens / 4),
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    model: req.model,
    upstreamId: `gen-${digest}`,
    reportedCostUsd: null,
    attempts: 1,
  };
};
