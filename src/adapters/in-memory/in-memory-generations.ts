import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import { nanosFromUsd, type InferenceError } from '../../domain';
import type { Completion, GenerationLookup } from '../../ports';

/** One scripted answer of `/generation`: figures, `not_ready`, or a failure to ask. */
export type GenerationAnswer = GenerationLookup | InferenceError;

/**
 * What the in-memory gateway's `/generation` knows: every generation it served (its tokens,
 * and its reported cost or 0), answers scripted per id (the last one repeats), and a hold that
 * makes every lookup `not_ready`. Unknown ids are `not_ready`, as OpenRouter's 404 is.
 */
export class InMemoryGenerations {
  /** Every id asked about, in order. */
  readonly asked: string[] = [];
  /** While true, every lookup answers `not_ready`. */
  held = false;
  private readonly served = new Map<string, GenerationLookup>();
  private readonly scripts = new Map<string, GenerationAnswer[]>();

  /** Notes a generation the gateway served. */
  serve(c: Completion): void {
    if (c.upstreamId === null) return;
    this.served.set(c.upstreamId, {
      inputTokens: c.inputTokens,
      outputTokens: c.outputTokens,
      costNanos: nanosFromUsd(c.reportedCostUsd ?? 0),
    });
  }

  /** Answers for the next lookups of `id`, in order; the last one repeats. */
  script(id: string, ...answers: GenerationAnswer[]): void {
    this.scripts.set(id, [...(this.scripts.get(id) ?? []), ...answers]);
  }

  lookup(id: string): ResultAsync<GenerationLookup, InferenceError> {
    this.asked.push(id);
    if (this.held) return okAsync('not_ready');
    const queue = this.scripts.get(id);
    const next = queue && (queue.length > 1 ? queue.shift() : queue[0]);
    const answer = next ?? this.served.get(id) ?? 'not_ready';
    return typeof answer === 'object' && 'code' in answer ? errAsync(answer) : okAsync(answer);
  }
}
