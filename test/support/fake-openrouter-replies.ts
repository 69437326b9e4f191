import { answerTo } from '../../src/adapters/in-memory/in-memory-gateway';
import type {
  ChatMessage,
  ResponseFormat,
  ToolCall,
  ToolChoice,
  ToolDefinition,
} from '../../src/domain';
import type { CompletionRequest } from '../../src/ports';

/** Per-token prices as OpenRouter publishes them: USD per token, as decimal strings. */
export interface FakePricing {
  readonly prompt: string;
  readonly completion: string;
  /** Published prompt-cache prices, when the model has them. */
  readonly input_cache_read?: string;
  readonly input_cache_write?: string;
}

/** The models the fake lists by default, priced as in the default config.yaml. */
export const DEFAULT_FAKE_MODELS: Readonly<Record<string, FakePricing>> = {
  'anthropic/claude-haiku-4.5': { prompt: '0.000001', completion: '0.000005' },
  'anthropic/claude-sonnet-4.5': { prompt: '0.000003', completion: '0.000015' },
  'openai/gpt-4o-mini': { prompt: '0.00000015', completion: '0.0000006' },
};

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const messageOf = (m: Json): ChatMessage => ({
  role: m.role as ChatMessage['role'],
  content: typeof m.content === 'string' ? m.content : '',
  ...(typeof m.tool_call_id === 'string' ? { toolCallId: m.tool_call_id } : {}),
  ...(Array.isArray(m.tool_calls) ? { toolCalls: m.tool_calls as ToolCall[] } : {}),
});

const formatOf = (f: unknown): ResponseFormat | undefined => {
  if (!isObject(f)) return undefined;
  if (f.type === 'json_object') return { type: 'json' };
  const js = isObject(f.json_schema) ? f.json_schema : {};
  return { type: 'json_schema', schema: isObject(js.schema) ? js.schema : {} };
};

/**
 * Reads the body the adapter sent back into the port's shape (every OpenRouter field it knows:
 * messages with tool calls, `models`, `top_p`, `stop`, `seed`, `response_format`, `tools`,
 * `tool_choice`, `reasoning`), so `answerTo` applies. Undefined without model or messages.
 */
export const requestOf = (json: unknown): CompletionRequest | undefined => {
  if (!isObject(json) || typeof json.model !== 'string' || !Array.isArray(json.messages)) {
    return undefined;
  }
  const b = json;
  const r = isObject(b.reasoning) ? b.reasoning : undefined;
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  return {
    model: b.model as string,
    fallbacks: Array.isArray(b.models) ? (b.models as string[]).slice(1) : undefined,
    messages: (b.messages as unknown[]).filter(isObject).map(messageOf),
    maxOutputTokens: num(b.max_tokens),
    temperature: num(b.temperature),
    topP: num(b.top_p),
    stop: Array.isArray(b.stop) ? (b.stop as string[]) : undefined,
    seed: num(b.seed),
    responseFormat: formatOf(b.response_format),
    tools: Array.isArray(b.tools) ? (b.tools as ToolDefinition[]) : undefined,
    toolChoice: b.tool_choice as ToolChoice | undefined,
    reasoning:
      r === undefined
        ? undefined
        : typeof r.effort === 'string'
          ? { effort: r.effort as 'low' }
          : { maxTokens: num(r.max_tokens) ?? 1 },
  };
};

/** What a scripted reply changes in the normal answer (the rest stays as `answerTo` says). */
export interface FakeCompletion {
  /** The message content, e.g. text that is not JSON, or JSON that breaks the schema. */
  readonly content?: string | null;
  readonly toolCalls?: readonly ToolCall[];
  readonly finishReason?: string;
  readonly reasoningTokens?: number;
  readonly cachedTokens?: number;
  readonly cacheWriteTokens?: number;
  /** The model that answers (default: the first of `models` that is not failing). */
  readonly model?: string;
}

/** The OpenRouter chat completion reply for a request: the in-memory gateway's answer, priced. */
export const completionReply = (
  req: CompletionRequest,
  models: Readonly<Record<string, FakePricing>>,
  over: FakeCompletion = {},
): object => {
  const a = answerTo(req);
  const model = over.model ?? a.model;
  const price = models[model];
  const cost = price
    ? a.inputTokens * Number(price.prompt) + a.outputTokens * Number(price.completion)
    : 0;
  const toolCalls = over.toolCalls ?? a.toolCalls;
  const content = over.content !== undefined ? over.content : a.text;
  return {
    id: a.upstreamId,
    provider: 'Fake',
    model,
    object: 'chat.completion',
    created: 1_767_225_600,
    choices: [
      {
        index: 0,
        finish_reason: over.finishReason ?? (toolCalls ? 'tool_calls' : a.finishReason),
        message: {
          role: 'assistant',
          content,
          ...(toolCalls ? { tool_calls: toolCalls } : {}),
        },
      },
    ],
    usage: {
      prompt_tokens: a.inputTokens,
      completion_tokens: a.outputTokens,
      total_tokens: a.inputTokens + a.outputTokens,
      cost: Number(cost.toFixed(12)),
      prompt_tokens_details: {
        cached_tokens: over.cachedTokens ?? 0,
        ...(over.cacheWriteTokens === undefined
          ? {}
          : { cache_write_tokens: over.cacheWriteTokens }),
      },
      completion_tokens_details: { reasoning_tokens: over.reasoningTokens ?? a.reasoningTokens },
    },
  };
};

/** GET /models: every model with OpenRouter's `pricing` strings. */
export const modelsReply = (models: Readonly<Record<string, FakePricing>>): object => ({
  data: Object.entries(models).map(([id, pricing]) => ({
    id,
    name: id,
    context_length: 200_000,
    pricing: { ...pricing, request: '0', image: '0' },
  })),
});

/** GET /key: what OpenRouter says about the key, never the key itself. */
export const keyReply = (): object => ({
  data: {
    label: 'sk-or-v1-fak...e00',
    limit: null,
    usage: 0,
    is_free_tier: false,
    rate_limit: { requests: -1, interval: '10s' },
  },
});

/** OpenRouter's error envelope. */
export const errorReply = (code: number | string, message: string): object => ({
  error: { code, message, metadata: { provider_name: 'Fake' } },
});

/** The message OpenRouter gives for common statuses. */
export const messageFor = (status: number): string =>
  ({
    400: 'Bad request',
    401: 'User not found.',
    402: 'Insufficient credits',
    403: 'Forbidden',
    404: 'Not found',
    408: 'Request timed out',
    422: 'Unprocessable entity',
    429: 'Rate limit exceeded',
    500: 'Internal server error',
    502: 'Provider returned error',
    503: 'No available provider',
    504: 'Gateway timeout',
  })[status] ?? `HTTP ${status}`;
