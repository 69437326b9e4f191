import { mapStringsDeep, parseJsonOrUndefined, scrubSecret, toWellFormed } from '../../domain';
import type { ChatMessage, ResponseFormat, ToolCall } from '../../domain';
import type { Completion, CompletionRequest } from '../../ports';
import { isRetryableStatus, UpstreamFailure } from './failure';

/** Who we are to OpenRouter. */
export interface UpstreamIdentity {
  readonly apiKey: string;
  readonly httpReferer: string;
  readonly appTitle: string;
}

/** Header values must be printable ASCII; anything else is percent-encoded rather than refused. */
const headerSafe = (v: string): string => v.replace(/[^\x20-\x7e]/g, (c) => encodeURIComponent(c));

/** The headers of every upstream request: bearer key, attribution, JSON. */
export const upstreamHeaders = (id: UpstreamIdentity): Record<string, string> => {
  const h: Record<string, string> = {
    Authorization: `Bearer ${id.apiKey}`,
    'Content-Type': 'application/json',
  };
  if (id.httpReferer !== '') h['HTTP-Referer'] = headerSafe(id.httpReferer);
  if (id.appTitle !== '') {
    h['X-Title'] = headerSafe(id.appTitle);
    h['X-OpenRouter-Title'] = headerSafe(id.appTitle);
  }
  return h;
};

/**
 * The chat completion body, every field as OpenRouter names it: `messages` (tool calls and ids
 * in OpenAI's snake case), `models` for fallbacks, `top_p`, `stop`, `seed`, `reasoning`,
 * `tools`, `tool_choice`, and `response_format` with `provider.require_parameters` so that
 * OpenRouter routes only to providers that honour the format.
 */
export const chatBody = (req: CompletionRequest): string => JSON.stringify(chatFields(req));

/** The fields of the chat body, before serialization (a stream adds `stream: true`). */
export const chatFields = (req: CompletionRequest): Record<string, unknown> => {
  const body: Record<string, unknown> = { model: req.model };
  if (req.fallbacks !== undefined && req.fallbacks.length > 0) {
    body.models = [req.model, ...req.fallbacks];
  }
  body.messages = req.messages.map(upstreamMessage);
  if (req.maxOutputTokens !== undefined) body.max_tokens = req.maxOutputTokens;
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.stop !== undefined) body.stop = req.stop;
  if (req.seed !== undefined) body.seed = req.seed;
  if (req.responseFormat !== undefined) {
    body.response_format = upstreamFormat(req.responseFormat);
    body.provider = { require_parameters: true };
  }
  if (req.tools !== undefined) body.tools = req.tools;
  if (req.toolChoice !== undefined) body.tool_choice = req.toolChoice;
  if (req.reasoning !== undefined) {
    body.reasoning =
      'effort' in req.reasoning
        ? { effort: req.reasoning.effort }
        : { max_tokens: req.reasoning.maxTokens };
  }
  return body;
};

const upstreamMessage = (m: ChatMessage): Record<string, unknown> => {
  const out: Record<string, unknown> = { role: m.role, content: m.content };
  if (m.toolCallId !== undefined) out.tool_call_id = m.toolCallId;
  if (m.toolCalls !== undefined) out.tool_calls = m.toolCalls;
  return out;
};

const upstreamFormat = (f: ResponseFormat): Record<string, unknown> =>
  f.type === 'json'
    ? { type: 'json_object' }
    : {
        type: 'json_schema',
        json_schema: { name: f.name ?? 'response', schema: f.schema, strict: f.strict ?? false },
      };

const MAX_MESSAGE = 500;

/**
 * Upstream text made safe to keep or show: the key scrubbed (in any case, and any run of 12 or
 * more of its characters: an echo must not leak it) and lone surrogates repaired.
 */
export const cleanUpstream = (text: string, apiKey: string): string =>
  toWellFormed(scrubSecret(text, apiKey));

/** Tool calls with every string in them made safe (see cleanUpstream). */
const cleanToolCalls = <T>(calls: T, apiKey: string): T =>
  mapStringsDeep(calls, (s) => cleanUpstream(s, apiKey));

/** An upstream message made safe (see cleanUpstream) and bounded in length. */
export const scrub = (text: string, apiKey: string): string => {
  const clean = cleanUpstream(text, apiKey);
  return clean.length > MAX_MESSAGE ? `${clean.slice(0, MAX_MESSAGE)}…` : clean;
};

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const count = (v: unknown): number => (typeof v === 'number' && v >= 0 ? Math.round(v) : 0);

/** OpenRouter's `{ error: { code, message } }`, if the body is one. */
/**
 * An error object in a 200 body (or a stream chunk) is a failure: retryable unless its code is
 * an HTTP status that is not. `said` is how the message begins after "OpenRouter".
 */
export const throwIfErrorBody = (body: unknown, said: string, apiKey: string): void => {
  const e = upstreamError(body);
  if (!e) return;
  const code = typeof e.code === 'number' && e.code >= 100 && e.code <= 599 ? e.code : undefined;
  const message = scrub(`OpenRouter ${said} ${String(e.code ?? '')}: ${e.message}`, apiKey);
  throw new UpstreamFailure(
    'error-body',
    message,
    code === undefined || isRetryableStatus(code),
    code,
  );
};

export const upstreamError = (body: unknown): { code: unknown; message: string } | undefined => {
  if (!isObject(body) || !isObject(body.error)) return undefined;
  const m = body.error.message;
  return { code: body.error.code, message: typeof m === 'string' ? m : 'error without a message' };
};

/** Reads a non-2xx reply into a failure, keeping OpenRouter's message (never the key). */
export const httpFailure = (
  status: number,
  text: string,
  retryAfterMs: number | undefined,
  apiKey: string,
): UpstreamFailure => {
  const e = upstreamError(parseJsonOrUndefined(text));
  const said = e?.message ?? (text.trim() === '' ? '' : text.trim());
  const message = scrub(`OpenRouter answered ${status}${said ? `: ${said}` : ''}`, apiKey);
  return new UpstreamFailure('http', message, isRetryableStatus(status), status, retryAfterMs);
};

/**
 * Reads a 2xx reply. A body that is not JSON, carries `error`, or has no `choices` is a failure;
 * the first and last are upstream glitches worth a retry, and so is an error body
 * unless its code names a status that is the request's own fault.
 */
export const completionOf = (
  text: string,
  call: { readonly model: string; readonly attempts: number; readonly apiKey: string },
): Completion => {
  const { attempts, apiKey } = call;
  const body = parseJsonOrUndefined(text);
  if (!isObject(body))
    throw new UpstreamFailure('malformed', 'OpenRouter sent an unparseable body', true);
  throwIfErrorBody(body, 'answered 200 with error', apiKey);
  const first = Array.isArray(body.choices) ? (body.choices[0] as unknown) : undefined;
  const message = isObject(first) && isObject(first.message) ? first.message : undefined;
  const content = message?.content;
  if (!message || (typeof content !== 'string' && content !== null && content !== undefined)) {
    throw new UpstreamFailure('no-choices', 'OpenRouter sent a reply without choices', true);
  }
  const usage = isObject(body.usage) ? body.usage : {};
  const prompt = isObject(usage.prompt_tokens_details) ? usage.prompt_tokens_details : {};
  const completion = isObject(usage.completion_tokens_details)
    ? usage.completion_tokens_details
    : {};
  const finish = isObject(first) ? first.finish_reason : undefined;
  return {
    text: cleanUpstream(content ?? '', apiKey),
    toolCalls: cleanToolCalls(toolCallsOf(message.tool_calls), apiKey),
    finishReason: typeof finish === 'string' ? finish : null,
    inputTokens: count(usage.prompt_tokens),
    outputTokens: count(usage.completion_tokens),
    reasoningTokens: count(completion.reasoning_tokens),
    cachedInputTokens: count(prompt.cached_tokens),
    cacheWriteTokens: count(prompt.cache_write_tokens),
    model:
      typeof body.model === 'string' && body.model !== ''
        ? cleanUpstream(body.model, apiKey)
        : call.model,
    upstreamId: typeof body.id === 'string' ? cleanUpstream(body.id, apiKey) : null,
    reportedCostUsd: typeof usage.cost === 'number' && usage.cost >= 0 ? usage.cost : null,
    attempts,
  };
};

/** Tool calls in OpenAI's shape; malformed entries are dropped, none is null. */
export const toolCallsOf = (v: unknown): ToolCall[] | null => {
  if (!Array.isArray(v)) return null;
  const calls: ToolCall[] = [];
  for (const c of v as unknown[]) {
    if (!isObject(c) || !isObject(c.function) || typeof c.function.name !== 'string') continue;
    const args = c.function.arguments;
    calls.push({
      id: typeof c.id === 'string' ? c.id : `call_${calls.length}`,
      type: 'function',
      function: {
        name: c.function.name,
        arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}),
      },
    });
  }
  return calls.length > 0 ? calls : null;
};
