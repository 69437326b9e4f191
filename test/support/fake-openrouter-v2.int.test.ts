import { FAKE_API_KEY, FakeOpenRouter } from './fake-openrouter';

/** The fake's v2 behaviour: conversations, structured output, fallbacks, tools, token kinds. */
describe('the fake OpenRouter: richer requests', () => {
  let fake: FakeOpenRouter;
  beforeAll(async () => {
    fake = await FakeOpenRouter.start();
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.clear());

  const chat = async (body: object) => {
    const res = await fetch(`${fake.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${FAKE_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const base = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] };
  const schema = {
    type: 'object',
    properties: { priority: { type: 'integer', minimum: 1 }, why: { type: 'string' } },
    required: ['priority', 'why'],
  };

  it('answers a whole conversation, each message counting', async () => {
    const one = await chat(base);
    const more = await chat({
      ...base,
      messages: [
        { role: 'system', content: 'brief' },
        ...base.messages,
        { role: 'assistant', content: 'hi' },
        { role: 'user', content: 'and?' },
      ],
    });
    expect(more.body.choices[0].message.content).not.toBe(one.body.choices[0].message.content);
    expect(more.body.usage.prompt_tokens).toBeGreaterThan(one.body.usage.prompt_tokens);
  });

  it('answers response_format json_schema with JSON valid for the schema, json_object with JSON', async () => {
    const s = await chat({
      ...base,
      response_format: { type: 'json_schema', json_schema: { name: 'p', schema } },
    });
    expect(JSON.parse(s.body.choices[0].message.content)).toEqual({ priority: 1, why: 'x' });
    const j = await chat({ ...base, response_format: { type: 'json_object' } });
    expect(JSON.parse(j.body.choices[0].message.content)).toEqual({ echo: expect.any(String) });
  });

  it('plays a scripted invalid reply, then answers validly again', async () => {
    fake.script({ reply: { content: 'not json' } }, { reply: { content: '{"priority":0}' } });
    const body = { ...base, response_format: { type: 'json_object' } };
    expect((await chat(body)).body.choices[0].message.content).toBe('not json');
    expect((await chat(body)).body.choices[0].message.content).toBe('{"priority":0}');
    const again = (await chat(body)).body.choices[0].message.content;
    expect(() => JSON.parse(again)).not.toThrow();
  });

  it('falls back through `models` past failing models, naming the model that answered', async () => {
    fake.failModels('openai/gpt-4o-mini');
    const r = await chat({ ...base, models: [base.model, 'anthropic/claude-haiku-4.5'] });
    expect(r.status).toBe(200);
    expect(r.body.model).toBe('anthropic/claude-haiku-4.5');
    expect((await chat(base)).status).toBe(503);
  });

  it('calls the tool tool_choice names, with finish_reason tool_calls', async () => {
    const tools = [{ type: 'function', function: { name: 'lookup', parameters: {} } }];
    const r = await chat({
      ...base,
      tools,
      tool_choice: { type: 'function', function: { name: 'lookup' } },
    });
    expect(r.body.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: { tool_calls: [{ type: 'function', function: { name: 'lookup' } }] },
    });
  });

  it('reports reasoning tokens when reasoning is asked for, and scripted cached tokens', async () => {
    const plain = await chat(base);
    expect(plain.body.usage.completion_tokens_details.reasoning_tokens).toBe(0);
    const r = await chat({ ...base, reasoning: { effort: 'high' }, max_tokens: 400 });
    expect(r.body.usage.completion_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    fake.script({ reply: { cachedTokens: 2, reasoningTokens: 3 } });
    const c = await chat(base);
    expect(c.body.usage.prompt_tokens_details.cached_tokens).toBe(2);
    expect(c.body.usage.completion_tokens_details.reasoning_tokens).toBe(3);
  });
});
