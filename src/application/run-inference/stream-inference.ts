import type { Result } from 'neverthrow';
import type { Consumer, InferenceError, InferenceResult } from '../../domain';
import type { CompletionDelta, CallObserver } from '../../ports';
import type { StreamStart } from './call-stream';
import type { RunInference } from './run-inference';

/** One piece of a streamed inference: the call's announcement, then its deltas. */
export type StreamChunk =
  | ({ readonly type: 'start' } & StreamStart & { readonly text?: undefined })
  | ({ readonly type: 'delta' } & CompletionDelta);

/**
 * A streamed inference: iterate it for its chunks; `result` is the final Result, settled once
 * the call is recorded. `cancel()` (or leaving a `for await` early) aborts the upstream request;
 * the call is then recorded as cancelled with what it had received.
 */
export interface InferenceStream extends AsyncIterable<StreamChunk> {
  readonly result: Promise<Result<InferenceResult, InferenceError>>;
  cancel(): void;
}

/** Runs one inference as a stream. The request is validated as for `infer`. */
export const streamInference = (
  run: RunInference,
  raw: unknown,
  observer?: CallObserver,
  consumer?: Consumer,
): InferenceStream => {
  const abort = new AbortController();
  const queue: StreamChunk[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  const push = (c: StreamChunk) => {
    queue.push(c);
    wake?.();
  };
  const result = Promise.resolve(
    run(
      raw,
      {
        onStart: (s) => push({ type: 'start', ...s }),
        onDelta: (d) => push({ type: 'delta', ...d }),
        signal: abort.signal,
      },
      observer,
      consumer,
    ),
  ).finally(() => {
    ended = true;
    wake?.();
  });
  const cancel = () => abort.abort();
  return {
    result,
    cancel,
    [Symbol.asyncIterator]: () => ({
      next: async (): Promise<IteratorResult<StreamChunk>> => {
        while (queue.length === 0 && !ended) {
          await new Promise<void>((r) => (wake = r));
          wake = undefined;
        }
        const value = queue.shift();
        return value ? { value, done: false } : { value: undefined, done: true };
      },
      return: (): Promise<IteratorResult<StreamChunk>> => {
        if (!ended) cancel();
        return Promise.resolve({ value: undefined, done: true });
      },
    }),
  };
};
