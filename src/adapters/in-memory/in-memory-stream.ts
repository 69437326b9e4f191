import { err, ok, ResultAsync } from 'neverthrow';
import { inferenceError, type InferenceError } from '../../domain';
import type { Completion, PartialStream, StreamControl, StreamFailure } from '../../ports';

/** How the in-memory gateway plays one stream. */
export interface StreamPlay {
  /** Resolves when a held stream may go on past its first delta. */
  readonly held?: Promise<void>;
  /** Fails the stream after its first delta (an upstream error mid-stream). */
  readonly breakWith?: InferenceError;
}

/** Splits a text into up to `n` non-empty pieces that concatenate back to it. */
export const piecesOf = (text: string, n = 3): string[] => {
  const size = Math.max(1, Math.ceil(text.length / n));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
};

/**
 * Streams a completion as deltas (a few pieces of its text, then its tool calls), asynchronously, honouring the
 * caller's signal between pieces; a held stream stops after its first piece until released.
 */
export const playStream = (
  c: Completion,
  control: StreamControl,
  play: StreamPlay,
): ResultAsync<Completion, StreamFailure> => {
  let text = '';
  let delivered = false;
  const partial = (): PartialStream => ({
    text,
    usage: null,
    model: c.model,
    upstreamId: c.upstreamId,
    attempts: c.attempts,
    delivered: text !== '' || delivered,
  });
  const cancelled = (): StreamFailure => ({
    error: inferenceError('unavailable', 'the caller cancelled the stream', {
      attempts: c.attempts,
    }),
    cancelled: true,
    partial: partial(),
  });
  const aborted = new Promise<void>((resolve) => {
    if (control.signal?.aborted) resolve();
    control.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  const run = async () => {
    for (const [i, piece] of piecesOf(c.text).entries()) {
      await Promise.resolve();
      if (control.signal?.aborted) return err<Completion, StreamFailure>(cancelled());
      text += piece;
      control.onDelta({ text: piece });
      if (i === 0 && play.held) await Promise.race([play.held, aborted]);
      if (i === 0 && play.breakWith) {
        return err<Completion, StreamFailure>({
          error: play.breakWith,
          cancelled: false,
          partial: partial(),
        });
      }
    }
    if (c.toolCalls) {
      // Tool calls go out as one delta of whole fragments (OpenAI's chunk shape, by index).
      await Promise.resolve();
      if (control.signal?.aborted) return err<Completion, StreamFailure>(cancelled());
      control.onDelta({ toolCalls: c.toolCalls.map((t, index) => ({ index, ...t })) });
      delivered = true;
    }
    if (control.signal?.aborted) return err<Completion, StreamFailure>(cancelled());
    return ok<Completion, StreamFailure>(c);
  };
  return new ResultAsync(run());
};
