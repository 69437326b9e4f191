import OpenAI from 'openai';
import { PERSON_SCHEMA, TOKEN, WEATHER_PARAMETERS, useCompatService } from './fixture';

// The official `openai` package against POST /v1/chat/completions and GET /v1/models.
describe('openai SDK against /v1', () => {
  const svc = useCompatService();
  const client = (apiKey = TOKEN, maxRetries = 0) =>
    new OpenAI({ apiKey, baseURL: svc.current.baseURL, maxRetries });

  it('a plain call: the answer, usage and cost as the fake reported them, and the headers', async () => {
    const { data, response } = await client()
      .chat.completions.create({
        model: 'turn',
        messages: [
          { role: 'system', content: 'be brief' },
          { role: 'user', content: 'hello from the openai sdk' },
        ],
      })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.model).toBe('anthropic/claude-haiku-4.5');
    expect(data.choices[0]?.message.content).toMatch(/^echo\(\w+\): hello from the openai sdk$/);
    expect(data.choices[0]?.finish_reason).toBe('stop');
    const record = await svc.current.call(data.id);
    expect(record).toMatchObject({
      level: 'turn',
      purpose: 'chat.completions',
      status: 'succeeded',
    });
    const usage = data.usage as OpenAI.CompletionUsage & { cost: number };
    expect(usage.prompt_tokens).toBe(record.inputTokens);
    expect(usage.completion_tokens).toBe(record.outputTokens);
    expect(usage.total_tokens).toBe(record.inputTokens + record.outputTokens);
    expect(usage.cost).toBeGreaterThan(0);
    expect(usage.cost).toBe(record.costUsd);
    // The fake prices as the configured table does, so its reported cost is ours.
    expect(record.reportedCostUsd).toBeCloseTo(usage.cost, 9);
    expect(usage.prompt_tokens_details?.cached_tokens).toBe(0);
    expect(usage.completion_tokens_details?.reasoning_tokens).toBe(0);
    expect(response.headers.get('x-headspace-call-id')).toBe(data.id);
    expect(response.headers.get('x-headspace-cached')).toBe('false');
    expect(Number(response.headers.get('x-headspace-cost-usd'))).toBe(usage.cost);
  });

  it('a repeat is a cache hit: cached header true, cost 0, the same answer', async () => {
    const ask = () =>
      client()
        .chat.completions.create({
          model: 'task',
          messages: [{ role: 'user', content: 'asked twice' }],
        })
        .withResponse();
    const first = await ask();
    const again = await ask();
    expect(again.response.headers.get('x-headspace-cached')).toBe('true');
    expect((again.data.usage as unknown as { cost: number }).cost).toBe(0);
    expect(again.data.choices[0]?.message.content).toBe(first.data.choices[0]?.message.content);
    expect((await svc.current.call(again.data.id)).status).toBe('cached');
  });

  it('a level chosen by model: a level name, or a model id configured for a level', async () => {
    const byLevel = await client().chat.completions.create({
      model: 'project',
      messages: [{ role: 'user', content: 'level by name' }],
    });
    expect(byLevel.model).toBe('anthropic/claude-sonnet-4.5');
    expect(await svc.current.call(byLevel.id)).toMatchObject({
      level: 'project',
      model: 'anthropic/claude-sonnet-4.5',
    });
    const byModel = await client().chat.completions.create({
      model: 'anthropic/claude-sonnet-4.5',
      messages: [{ role: 'user', content: 'level by model id' }],
    });
    expect((await svc.current.call(byModel.id)).level).toBe('project');
  });

  it('associations and purpose from metadata land in the record', async () => {
    const r = await client().chat.completions.create({
      model: 'turn',
      messages: [{ role: 'user', content: 'with associations' }],
      metadata: {
        project_id: 'proj-7',
        agent_id: 'agent-3',
        command_id: 'cmd-9',
        turn_id: 'turn-1',
        purpose: 'summarise turn',
      },
    });
    expect(await svc.current.call(r.id)).toMatchObject({
      purpose: 'summarise turn',
      projectId: 'proj-7',
      agentId: 'agent-3',
      commandId: 'cmd-9',
      turnId: 'turn-1',
    });
  });

  it('top-level level, purpose and associations (extra body fields) win over metadata', async () => {
    const body = {
      model: 'anthropic/claude-haiku-4.5',
      messages: [{ role: 'user', content: 'extra body fields' }],
      level: 'objective',
      purpose: 'from the body',
      projectId: 'proj-body',
      metadata: { project_id: 'proj-meta', level: 'turn' },
    } as OpenAI.ChatCompletionCreateParamsNonStreaming;
    const r = await client().chat.completions.create(body);
    expect(await svc.current.call(r.id)).toMatchObject({
      level: 'objective',
      purpose: 'from the body',
      projectId: 'proj-body',
    });
  });

  it('an invalid parameter is a BadRequestError naming the OpenAI parameter', async () => {
    const e = await client()
      .chat.completions.create({
        model: 'turn',
        messages: [{ role: 'user', content: 'too hot' }],
        temperature: 3,
      })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OpenAI.BadRequestError);
    expect(e).toMatchObject({ status: 400, code: 'invalid_request', param: 'temperature' });
    const tokens = await client()
      .chat.completions.create({
        model: 'turn',
        messages: [{ role: 'user', content: 'x' }],
        max_completion_tokens: 0,
      })
      .catch((x: unknown) => x);
    expect(tokens).toMatchObject({ status: 400, param: 'max_completion_tokens' });
  });

  it('a wrong key is an AuthenticationError, retried never, recorded never', async () => {
    const before = (await svc.current.calls()).length;
    const upstream = svc.current.fake.completions().length;
    const e = await client('not-the-token', 2)
      .chat.completions.create({ model: 'turn', messages: [{ role: 'user', content: 'x' }] })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(e).toMatchObject({ status: 401, code: 'unauthorized', type: 'authentication_error' });
    expect(JSON.stringify(e)).not.toContain(TOKEN);
    expect((await svc.current.calls()).length).toBe(before);
    expect(svc.current.fake.completions().length).toBe(upstream);
    const models = await client('not-the-token')
      .models.list()
      .catch((x: unknown) => x);
    expect(models).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('GET /v1/models lists the four levels and every allowed model', async () => {
    const ids: string[] = [];
    for await (const m of client().models.list()) ids.push(m.id);
    expect(ids).toEqual([
      'turn',
      'task',
      'project',
      'objective',
      'anthropic/claude-haiku-4.5',
      'anthropic/claude-sonnet-4.5',
      'openai/gpt-4o-mini',
    ]);
  });

  it('an allowed model named by id is used as is, at the task level', async () => {
    const r = await client().chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'a chosen model' }],
    });
    expect(r.model).toBe('openai/gpt-4o-mini');
    expect(await svc.current.call(r.id)).toMatchObject({
      level: 'task',
      model: 'openai/gpt-4o-mini',
    });
  });

  it('a tool call round trip: the call, then the answer to its result', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: 'function',
        function: { name: 'get_weather', description: 'weather', parameters: WEATHER_PARAMETERS },
      },
    ];
    const question: OpenAI.ChatCompletionMessageParam = {
      role: 'user',
      content: 'weather in Oslo?',
    };
    const first = await client().chat.completions.create({
      model: 'turn',
      messages: [question],
      tools,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    const choice = first.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const call = choice.message.tool_calls?.[0];
    expect(call).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
    expect(
      JSON.parse((call as OpenAI.ChatCompletionMessageFunctionToolCall).function.arguments),
    ).toEqual({});
    const record = await svc.current.call(first.id);
    expect(record).toMatchObject({ finishReason: 'tool_calls', toolCalls: [{ id: call!.id }] });

    const second = await client().chat.completions.create({
      model: 'turn',
      messages: [
        question,
        choice.message as OpenAI.ChatCompletionAssistantMessageParam,
        { role: 'tool', tool_call_id: call!.id, content: '{"celsius":4}' },
      ],
      tools,
    });
    expect(second.choices[0]).toMatchObject({ finish_reason: 'stop' });
    expect(second.choices[0]?.message.content).toMatch(/^echo\(\w+\): /);
    expect((await svc.current.call(second.id)).status).toBe('succeeded');
  });

  it('structured output: a json_schema answer that validates, and json_object', async () => {
    const r = await client().chat.completions.create({
      model: 'task',
      messages: [{ role: 'user', content: 'a person, please' }],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'person', schema: PERSON_SCHEMA, strict: true },
      },
    });
    expect(JSON.parse(r.choices[0]?.message.content ?? '')).toEqual({ name: 'x', age: 1 });
    const o = await client().chat.completions.create({
      model: 'task',
      messages: [{ role: 'user', content: 'any json' }],
      response_format: { type: 'json_object' },
    });
    expect(typeof JSON.parse(o.choices[0]?.message.content ?? '')).toBe('object');
  });
});
