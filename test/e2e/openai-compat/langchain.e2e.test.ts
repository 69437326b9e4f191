import { HumanMessage, SystemMessage, ToolMessage } from '@langchain/core/messages';
import { z } from 'zod';
import { ChatOpenAI } from '@langchain/openai';
import { TOKEN, WEATHER_PARAMETERS, useCompatService } from './fixture';

// LangChain's ChatOpenAI against /v1.
describe('LangChain ChatOpenAI against /v1', () => {
  const svc = useCompatService();
  const chat = (fields: ConstructorParameters<typeof ChatOpenAI>[0] = {}) =>
    new ChatOpenAI({
      model: 'turn',
      apiKey: TOKEN,
      configuration: { baseURL: svc.current.baseURL },
      maxRetries: 0,
      ...fields,
    });

  it('invoke: the answer, usage and cost as the fake reported them', async () => {
    const m = await chat().invoke([
      new SystemMessage('be brief'),
      new HumanMessage('hello from langchain'),
    ]);
    expect(m.content).toMatch(/^echo\(\w+\): hello from langchain$/);
    const id = m.id ?? '';
    const record = await svc.current.call(id);
    expect(record).toMatchObject({ level: 'turn', status: 'succeeded' });
    expect(m.usage_metadata).toMatchObject({
      input_tokens: record.inputTokens,
      output_tokens: record.outputTokens,
      total_tokens: record.inputTokens + record.outputTokens,
    });
    expect(record.reportedCostUsd).toBeCloseTo(record.costUsd, 9);
    expect(m.response_metadata).toMatchObject({ finish_reason: 'stop' });
  });

  it('a level chosen by model, associations from modelKwargs and metadata', async () => {
    const m = await chat({
      model: 'project',
      modelKwargs: {
        purpose: 'langchain test',
        agentId: 'agent-lc',
        metadata: { project_id: 'proj-lc' },
      },
    }).invoke('level and associations');
    expect(await svc.current.call(m.id ?? '')).toMatchObject({
      level: 'project',
      model: 'anthropic/claude-sonnet-4.5',
      purpose: 'langchain test',
      agentId: 'agent-lc',
      projectId: 'proj-lc',
    });
  });

  it('a wrong key surfaces as an authentication error, not retried', async () => {
    const upstream = svc.current.fake.completions().length;
    const before = (await svc.current.calls()).length;
    const e = await chat({ apiKey: 'wrong-key', maxRetries: 3 })
      .invoke('x')
      .catch((x: unknown) => x);
    expect(e).toMatchObject({ status: 401, lc_error_code: 'MODEL_AUTHENTICATION' });
    expect(svc.current.fake.completions().length).toBe(upstream);
    expect((await svc.current.calls()).length).toBe(before);
  });

  it('a tool call round trip with bindTools and a ToolMessage', async () => {
    const weather = {
      type: 'function' as const,
      function: { name: 'get_weather', description: 'weather', parameters: WEATHER_PARAMETERS },
    };
    const question = new HumanMessage('weather in Oslo?');
    const ai = await chat().bindTools([weather], { tool_choice: 'get_weather' }).invoke([question]);
    const call = ai.tool_calls?.[0];
    expect(call).toMatchObject({ name: 'get_weather', args: {} });
    expect((await svc.current.call(ai.id ?? '')).finishReason).toBe('tool_calls');
    const answer = await chat()
      .bindTools([weather])
      .invoke([
        question,
        ai,
        new ToolMessage({ tool_call_id: call!.id!, content: '{"celsius":4}' }),
      ]);
    expect(answer.content).toMatch(/^echo\(\w+\): /);
    expect((await svc.current.call(answer.id ?? '')).status).toBe('succeeded');
  });

  it('withStructuredOutput over json_schema: the parsed object', async () => {
    const person = z.object({ name: z.string(), age: z.number().int().min(1) });
    const r = await chat({ model: 'task' })
      .withStructuredOutput(person, { name: 'person', method: 'jsonSchema' })
      .invoke('a person, please');
    expect(r).toEqual({ name: 'x', age: 1 });
  });
});
