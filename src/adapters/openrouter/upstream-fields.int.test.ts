import { FakeOpenRouter } from '../../../test/support/fake-openrouter';
import { gatewayOver } from '../../../test/support/openrouter-harness';
import { prompt } from '../../../test/support/prompt';
import type { CompletionRequest } from '../../ports';

/** Every v2 request field as OpenRouter names it, and every v2 reply fact read back. */
describe('OpenRouterGateway over the fake OpenRouter: richer requests', () => {
  let fake: FakeOpenRouter;
  beforeAll(async () => {
    fake = await FakeOpenRouter.start();
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.clear());

  const base: CompletionRequest = { model: 'openai/gpt-4o-mini', messages: prompt('hello') };
  const sent = async (req: CompletionRequest) => {
    (await gatewayOver(fake).gateway.complete(req))._unsafeUnwrap();
    return fake.completions()[0]?.body as Record<string, unknown>;
  };
  const call = { id: 'c1', type: 'function' as const, function: { name: 'f', arguments: '{}' } };
  const tool = { type: 'function' as const, function: { name: 'f', parameters: {} } };
  const schema = { type: 'object', properties: { a: { type: 'integer' } }, required: ['a'] };

  it.each<[string, Partial<CompletionRequest>, Record<string, unknown>]>([
    ['top_p', { topP: 0.5 }, { top_p: 0.5 }],
    ['stop', { stop: ['END', '##'] }, { stop: ['END', '##'] }],
    ['seed', { seed: 42 }, { seed: 42 }],
    ['reasoning effort', { reasoning: { effort: 'low' } }, { reasoning: { effort: 'low' } }],
    ['reasoning budget', { reasoning: { maxTokens: 900 } }, { reasoning: { max_tokens: 900 } }],
    ['tools', { tools: [tool] }, { tools: [tool] }],
    ['tool_choice', { tools: [tool], toolChoice: 'required' }, { tool_choice: 'required' }],
    [
      'models (fallbacks)',
      { fallbacks: ['anthropic/claude-haiku-4.5'] },
      { models: ['openai/gpt-4o-mini', 'anthropic/claude-haiku-4.5'] },
    ],
    [
      'response_format json_object + provider.require_parameters',
      { responseFormat: { type: 'json' } },
      { response_format: { type: 'json_object' }, provider: { require_parameters: true } },
    ],
    [
      'response_format json_schema + provider.require_parameters',
      { responseFormat: { type: 'json_schema', name: 'score', schema, strict: true } },
      {
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'score', schema, strict: true },
        },
        provider: { require_parameters: true },
      },
    ],
  ])('sends %s', async (_name, over, expected) => {
    expect(await sent({ ...base, ...over })).toMatchObject(expected);
  });

  it('sends messages in OpenAI form: tool_calls and tool_call_id in snake case', async () => {
    const body = await sent({
      ...base,
      messages: [
        { role: 'system', content: 's' },
        { role: 'user', content: 'u' },
        { role: 'assistant', content: '', toolCalls: [call] },
        { role: 'tool', content: '{"ok":true}', toolCallId: 'c1' },
      ],
    });
    expect(body.messages).toStrictEqual([
      { role: 'system', content: 's' },
      { role: 'user', content: 'u' },
      { role: 'assistant', content: '', tool_calls: [call] },
      { role: 'tool', content: '{"ok":true}', tool_call_id: 'c1' },
    ]);
  });

  it('sends nothing it was not given', async () => {
    expect(await sent(base)).toStrictEqual({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'hello' }],
    });
  });

  it('reads tool calls, finish_reason, reasoning and cached tokens', async () => {
    fake.script({ reply: { toolCalls: [call], reasoningTokens: 3, cachedTokens: 2 } });
    const c = (
      await gatewayOver(fake).gateway.complete({ ...base, tools: [tool] })
    )._unsafeUnwrap();
    expect(c).toMatchObject({
      toolCalls: [call],
      finishReason: 'tool_calls',
      reasoningTokens: 3,
      cachedInputTokens: 2,
    });
  });

  it('names the model that answered when OpenRouter fell back', async () => {
    fake.failModels('openai/gpt-4o-mini');
    const c = (
      await gatewayOver(fake).gateway.complete({
        ...base,
        fallbacks: ['anthropic/claude-haiku-4.5'],
      })
    )._unsafeUnwrap();
    expect(c.model).toBe('anthropic/claude-haiku-4.5');
    expect(c.finishReason).toBe('stop');
  });

  it('publishes cache prices from /models', async () => {
    const priced = await FakeOpenRouter.start({
      models: {
        'm/c': {
          prompt: '0.000003',
          completion: '0.000015',
          input_cache_read: '0.0000003',
          input_cache_write: '0.00000375',
        },
      },
    });
    try {
      const p = await gatewayOver(priced).gateway.prices();
      expect(p['m/c']).toEqual({ input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 });
    } finally {
      await priced.close();
    }
  });
});
