import { createHash } from 'node:crypto';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import { inferenceError, type InferenceError, type PriceTable } from '../../domain';
import type {
  CircuitState,
  Completion,
  CompletionRequest,
  HealthReport,
  LlmGateway,
} from '../../ports';

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
      return okAsync({ ...answerTo(req), ...(next as Partial<Completion> | undefined) });
    };
    if (!this.held) return outcome();
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

/** The deterministic answer to a request (shared with the fake OpenRouter server). */
export const answerTo = (req: CompletionRequest): Completion => {
  const digest = createHash('sha256')
    .update(`${req.model}\n${req.system ?? ''}\n${req.input}`)
    .digest('hex')
    .slice(0, 12);
  const text = `echo(${digest}): ${req.input.slice(0, 64)}`;
  return {
    text,
    inputTokens: Math.ceil(((req.system?.length ?? 0) + req.input.length) / 4),
    outputTokens: Math.min(Math.ceil(text.length / 4), req.maxOutputTokens ?? Infinity),
    model: req.model,
    upstreamId: `gen-${digest}`,
    reportedCostUsd: null,
    attempts: 1,
  };
};
