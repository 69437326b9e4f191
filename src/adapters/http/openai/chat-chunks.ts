import { finishReasonOf, usageOf, type NativeAnswer } from './chat-response';
import type { OpenAiError } from './errors';

/** A streamed call's identity, as every chunk carries it. */
export interface ChunkHead {
  readonly id: string;
  readonly model: string;
  /** Unix seconds. */
  readonly created: number;
}

/** One tool-call fragment, in OpenAI's chunk shape (merged by `index`). */
export interface ToolCallFragment {
  readonly index: number;
  readonly id?: string;
  readonly type?: 'function';
  readonly function?: { readonly name?: string; readonly arguments?: string };
}

const chunk = (h: ChunkHead, choices: readonly unknown[], extra: object = {}) => ({
  id: h.id,
  object: 'chat.completion.chunk' as const,
  created: h.created,
  model: h.model,
  choices,
  ...extra,
});

/** The first chunk: `delta.role`, as OpenAI opens every stream. */
export const roleChunk = (h: ChunkHead) =>
  chunk(h, [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);

/** A chunk of text and/or tool-call fragments. */
export const deltaChunk = (
  h: ChunkHead,
  d: { readonly text?: string; readonly toolCalls?: readonly ToolCallFragment[] },
) =>
  chunk(h, [
    {
      index: 0,
      delta: {
        ...(d.text !== undefined && d.text !== '' ? { content: d.text } : {}),
        ...(d.toolCalls && d.toolCalls.length > 0 ? { tool_calls: d.toolCalls } : {}),
      },
      finish_reason: null,
    },
  ]);

/** The last chunk of the choice: an empty delta and the finish reason. */
export const finishChunk = (h: ChunkHead, a: NativeAnswer) =>
  chunk(h, [{ index: 0, delta: {}, finish_reason: finishReasonOf(a) }]);

/** With `stream_options.include_usage`: no choices, the call's usage with its cost. */
export const usageChunk = (h: ChunkHead, a: NativeAnswer) => chunk(h, [], { usage: usageOf(a) });

/** One server-sent event line carrying JSON (or `[DONE]`). */
export const dataLine = (payload: object | '[DONE]'): string =>
  `data: ${payload === '[DONE]' ? payload : JSON.stringify(payload)}\n\n`;

/** A failure after the stream started: a chunk with `error`, which OpenAI's SDK raises. */
export const errorChunk = (e: OpenAiError): object => e;
