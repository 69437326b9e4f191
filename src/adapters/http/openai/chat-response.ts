/** What `/v1` reads of a native answer; fields a call did not produce may be absent. */
export interface NativeAnswer {
  readonly callId: string;
  readonly model: string;
  readonly text: string;
  readonly toolCalls?: readonly unknown[] | undefined;
  readonly finishReason?: string | null | undefined;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly reasoningTokens?: number | undefined;
  readonly cachedInputTokens?: number | undefined;
  readonly costUsd: number;
  readonly cached: boolean;
}

/** OpenAI's `usage`, with the service's own cost of the call as `cost` (0 on a cache hit). */
export const usageOf = (a: NativeAnswer) => ({
  prompt_tokens: a.inputTokens,
  completion_tokens: a.outputTokens,
  total_tokens: a.inputTokens + a.outputTokens,
  cost: a.costUsd,
  prompt_tokens_details: { cached_tokens: a.cachedInputTokens ?? 0 },
  completion_tokens_details: { reasoning_tokens: a.reasoningTokens ?? 0 },
});

const hasToolCalls = (a: NativeAnswer): boolean => (a.toolCalls?.length ?? 0) > 0;

/** The finish reason as OpenAI names it; a call that asked for tools finished with `tool_calls`. */
export const finishReasonOf = (a: NativeAnswer): string =>
  a.finishReason ?? (hasToolCalls(a) ? 'tool_calls' : 'stop');

/** A native answer as an OpenAI `chat.completion`; `created` in Unix seconds. */
export const chatCompletionOf = (a: NativeAnswer, created: number) => ({
  id: a.callId,
  object: 'chat.completion' as const,
  created,
  model: a.model,
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant' as const,
        // OpenAI sends null content beside tool calls when the model said nothing.
        content: hasToolCalls(a) && a.text === '' ? null : a.text,
        refusal: null,
        ...(hasToolCalls(a) ? { tool_calls: a.toolCalls } : {}),
      },
      finish_reason: finishReasonOf(a),
      logprobs: null,
    },
  ],
  usage: usageOf(a),
});

/** The `x-headspace-*` headers of an answer: its call id, whether cached, and its cost. */
export const answerHeaders = (a: NativeAnswer): Record<string, string> => ({
  'x-headspace-call-id': a.callId,
  'x-headspace-cached': String(a.cached),
  'x-headspace-cost-usd': String(a.costUsd),
});
