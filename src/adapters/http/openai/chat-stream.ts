import { PassThrough } from 'node:stream';
import type { Result } from 'neverthrow';
import type { InferenceError } from '../../../domain';
import type { HttpContext } from '../context';
import {
  dataLine,
  deltaChunk,
  finishChunk,
  roleChunk,
  usageChunk,
  type ChunkHead,
  type ToolCallFragment,
} from './chat-chunks';
import type { NativeAnswer } from './chat-response';
import { openAiErrorOfInference } from './errors';
import { sendOpenAiError } from './frame';

/** One piece of a streamed call: its announcement, then its deltas. */
export type StreamPiece =
  | { readonly type: 'start'; readonly callId: string; readonly model: string }
  | {
      readonly type: 'delta';
      readonly text?: string | undefined;
      readonly toolCalls?: readonly ToolCallFragment[] | undefined;
    };

/** A streamed call as the native use case runs it: pieces, a final Result, and cancel. */
export interface StreamedCall extends AsyncIterable<StreamPiece> {
  readonly result: Promise<Result<NativeAnswer, InferenceError>>;
  cancel(): void;
}

/** How often a comment line keeps an idle stream (and any proxy on the way) open. */
export const KEEP_ALIVE_MS = 15_000;

/**
 * Answers a streamed call. A failure before the first piece is an ordinary OpenAI error with
 * its status; after it the answer is `text/event-stream`: the role chunk, a chunk per delta,
 * the finish chunk, the usage chunk when asked for, then `[DONE]`, or an `error` chunk and
 * `[DONE]` for a failure after the start. A client that goes away cancels the call.
 */
export const answerStream = async (
  ctx: HttpContext,
  call: StreamedCall,
  o: {
    readonly includeUsage: boolean;
    readonly params: Readonly<Record<string, string>>;
    /** Silence before a keep-alive comment (default KEEP_ALIVE_MS). */
    readonly keepAliveMs?: number | undefined;
  },
): Promise<void> => {
  const pieces = call[Symbol.asyncIterator]();
  const first = await pieces.next();
  const created = Math.floor(Date.now() / 1000);
  let head: ChunkHead | undefined;
  if (first.done) {
    const r = await call.result;
    if (r.isErr()) return sendOpenAiError(ctx, openAiErrorOfInference(r.error, o.params));
    head = { id: r.value.callId, model: r.value.model, created };
  } else if (first.value.type === 'start') {
    head = { id: first.value.callId, model: first.value.model, created };
  }
  const out = new PassThrough();
  ctx.status = 200;
  ctx.type = 'text/event-stream';
  ctx.set('Cache-Control', 'no-cache');
  ctx.set('X-Accel-Buffering', 'no');
  if (head) ctx.set('x-headspace-call-id', head.id);
  ctx.body = out;
  let finished = false;
  ctx.res.once('close', () => {
    if (!finished) call.cancel();
  });
  const keepAlive = setInterval(
    () => out.write(': keep-alive\n\n'),
    o.keepAliveMs ?? KEEP_ALIVE_MS,
  );
  keepAlive.unref();

  const write = (p: StreamPiece): void => {
    if (p.type === 'start') {
      head = { id: p.callId, model: p.model, created };
      out.write(dataLine(roleChunk(head)));
    } else if (head) {
      out.write(dataLine(deltaChunk(head, p)));
    }
  };
  const pump = async (): Promise<void> => {
    if (head && (first.done || first.value.type !== 'start')) out.write(dataLine(roleChunk(head)));
    if (!first.done) write(first.value);
    for (let n = await pieces.next(); !n.done; n = await pieces.next()) write(n.value);
    const r = await call.result;
    if (r.isOk()) {
      const h = head ?? { id: r.value.callId, model: r.value.model, created };
      out.write(dataLine(finishChunk(h, r.value)));
      if (o.includeUsage) out.write(dataLine(usageChunk(h, r.value)));
    } else {
      out.write(dataLine(openAiErrorOfInference(r.error, o.params).body));
    }
    out.write(dataLine('[DONE]'));
  };
  void pump()
    .catch((e: unknown) => ctx.state.log.error({ err: e }, 'stream failed'))
    .finally(() => {
      finished = true;
      clearInterval(keepAlive);
      out.end();
    });
};
