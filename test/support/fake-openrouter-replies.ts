import { answerTo } from '../../src/adapters/in-memory/in-memory-gateway';
import type { CompletionRequest } from '../../src/ports';

/** Per-token prices as OpenRouter publishes them: USD per token, as decimal strings. */
export interface FakePricing {
  readonly prompt: string;
  readonly completion: string;
}

/** The models the fake lists by default, priced as in the default config.yaml. */
export const DEFAULT_FAKE_MODELS: Readonly<Record<string, FakePricing>> = {
  'anthropic/claude-haiku-4.5': { prompt: '0.000001', completion: '0.000005' },
  'anthropic/claude-sonnet-4.5': { prompt: '0.000003', completion: '0.000015' },
  'openai/gpt-4o-mini': { prompt: '0.00000015', completion: '0.0000006' },
};

interface ChatBody {
  model?: unknown;
  messages?: unknown;
  max_tokens?: unknown;
  temperature?: unknown;
}

/** Reads the request the adapter sent back into the port's shape, so `answerTo` applies. */
export const requestOf = (json: unknown): CompletionRequest | undefined => {
  if (typeof json !== 'object' || json === null) return undefined;
  const body = json as ChatBody;
  if (typeof body.model !== 'string' || !Array.isArray(body.messages)) return undefined;
  const messages = body.messages as Array<{ role?: unknown; content?: unknown }>;
  const text = (role: string): string[] =>
    messages
      .filter((m) => m.role === role && typeof m.content === 'string')
      .map((m) => m.content as string);
  const system = text('system');
  return {
    model: body.model,
    system: system.length > 0 ? system.join('\n') : undefined,
    input: text('user').join('\n'),
    maxOutputTokens: typeof body.max_tokens === 'number' ? body.max_tokens : undefined,
    temperature: typeof body.temperature === 'number' ? body.temperature : undefined,
  };
};

/** The OpenRouter chat completion reply for a request: the in-memory gateway's answer, priced. */
export const completionReply = (
  req: CompletionRequest,
  models: Readonly<Record<string, FakePricing>>,
): object => {
  const a = answerTo(req);
  const price = models[req.model];
  const cost = price
    ? a.inputTokens * Number(price.prompt) + a.outputTokens * Number(price.completion)
    : 0;
  return {
    id: a.upstreamId,
    provider: 'Fake',
    model: a.model,
    object: 'chat.completion',
    created: 1_767_225_600,
    choices: [
      {
        index: 0,
        finish_reason: 'stop',
        message: { role: 'assistant', content: a.text },
      },
    ],
    usage: {
      prompt_tokens: a.inputTokens,
      completion_tokens: a.outputTokens,
      total_tokens: a.inputTokens + a.outputTokens,
      cost: Number(cost.toFixed(12)),
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
