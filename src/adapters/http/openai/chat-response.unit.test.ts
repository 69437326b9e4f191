import { answerHeaders, chatCompletionOf } from './chat-response';

const answer = {
  callId: 'call-1',
  model: 'm',
  text: 'hello',
  inputTokens: 10,
  outputTokens: 5,
  costUsd: 0.000035,
  cached: false,
};

describe('chat.completion', () => {
  it('carries the answer, usage with cost and token details, and a stop', () => {
    expect(chatCompletionOf({ ...answer, reasoningTokens: 2, cachedInputTokens: 4 }, 1700)).toEqual(
      {
        id: 'call-1',
        object: 'chat.completion',
        created: 1700,
        model: 'm',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'hello', refusal: null },
            finish_reason: 'stop',
            logprobs: null,
          },
        ],
        usage: {
          prompt_tokens: 10,
          completion_tokens: 5,
          total_tokens: 15,
          cost: 0.000035,
          prompt_tokens_details: { cached_tokens: 4 },
          completion_tokens_details: { reasoning_tokens: 2 },
        },
      },
    );
  });

  it('tool calls: content null when the model said nothing, finish_reason tool_calls', () => {
    const toolCalls = [{ id: 't', type: 'function', function: { name: 'f', arguments: '{}' } }];
    const c = chatCompletionOf({ ...answer, text: '', toolCalls }, 1);
    expect(c.choices[0]).toMatchObject({
      message: { content: null, tool_calls: toolCalls },
      finish_reason: 'tool_calls',
    });
    expect(
      chatCompletionOf({ ...answer, finishReason: 'length' }, 1).choices[0]?.finish_reason,
    ).toBe('length');
  });

  it('headers: call id, cached and cost', () => {
    expect(answerHeaders({ ...answer, cached: true, costUsd: 0 })).toEqual({
      'x-headspace-call-id': 'call-1',
      'x-headspace-cached': 'true',
      'x-headspace-cost-usd': '0',
    });
  });
});
