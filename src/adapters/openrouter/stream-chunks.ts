import type { CompletionDelta, StreamUsage, ToolCallDelta } from '../../ports';
import { UpstreamFailure } from './failure';
import { throwIfErrorBody } from './wire';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const count = (v: unknown): number => (typeof v === 'number' && v >= 0 ? Math.round(v) : 0);

/** OpenRouter's `usage` object (in a stream, on the last chunk) in the port's terms. */
export const usageOf = (u: Json): StreamUsage => ({
  inputTokens: count(u.prompt_tokens),
  outputTokens: count(u.completion_tokens),
  cachedInputTokens: isObject(u.prompt_tokens_details)
    ? count(u.prompt_tokens_details.cached_tokens)
    : 0,
  cacheWriteTokens: isObject(u.prompt_tokens_details)
    ? count(u.prompt_tokens_details.cache_write_tokens)
    : 0,
  reasoningTokens: isObject(u.completion_tokens_details)
    ? count(u.completion_tokens_details.reasoning_tokens)
    : 0,
  costUsd: typeof u.cost === 'number' && u.cost >= 0 ? u.cost : null,
});

const toolCallsOf = (v: unknown): ToolCallDelta[] | undefined => {
  if (!Array.isArray(v)) return undefined;
  const out: ToolCallDelta[] = [];
  for (const [i, t] of v.entries()) {
    if (!isObject(t)) continue;
    const f = isObject(t.function) ? t.function : undefined;
    out.push({
      index: typeof t.index === 'number' ? t.index : i,
      ...(typeof t.id === 'string' ? { id: t.id } : {}),
      ...(t.type === 'function' ? { type: 'function' as const } : {}),
      ...(f
        ? {
            function: {
              ...(typeof f.name === 'string' ? { name: f.name } : {}),
              ...(typeof f.arguments === 'string' ? { arguments: f.arguments } : {}),
            },
          }
        : {}),
    });
  }
  return out.length > 0 ? out : undefined;
};

/** What one `data:` line of an OpenRouter stream says. */
export type StreamChunk =
  | { readonly kind: 'done' }
  | {
      readonly kind: 'chunk';
      readonly id: string | null;
      readonly model: string | null;
      readonly delta: CompletionDelta | null;
      readonly finishReason: string | null;
      readonly usage: StreamUsage | null;
    };

/**
 * Reads one event's data. `[DONE]` ends the stream; a chunk carrying `error` (the HTTP status
 * stayed 200) throws an UpstreamFailure, retryable unless its code names the request's own
 * fault; so does data that is not JSON.
 */
export const chunkOf = (data: string, apiKey: string): StreamChunk => {
  if (data.trim() === '[DONE]') return { kind: 'done' };
  let body: unknown;
  try {
    body = JSON.parse(data);
  } catch {
    throw new UpstreamFailure('malformed', 'OpenRouter sent a stream chunk that is not JSON', true);
  }
  if (!isObject(body)) {
    throw new UpstreamFailure('malformed', 'OpenRouter sent a stream chunk that is not JSON', true);
  }
  throwIfErrorBody(body, 'stream error', apiKey);
  const choice = Array.isArray(body.choices) ? (body.choices[0] as unknown) : undefined;
  const d = isObject(choice) && isObject(choice.delta) ? choice.delta : undefined;
  const text = typeof d?.content === 'string' && d.content !== '' ? d.content : undefined;
  const toolCalls = toolCallsOf(d?.tool_calls);
  return {
    kind: 'chunk',
    id: typeof body.id === 'string' && body.id !== '' ? body.id : null,
    model: typeof body.model === 'string' && body.model !== '' ? body.model : null,
    delta:
      text !== undefined || toolCalls !== undefined
        ? { ...(text !== undefined ? { text } : {}), ...(toolCalls ? { toolCalls } : {}) }
        : null,
    finishReason:
      isObject(choice) && typeof choice.finish_reason === 'string' ? choice.finish_reason : null,
    usage: isObject(body.usage) ? usageOf(body.usage) : null,
  };
};
