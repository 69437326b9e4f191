import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { APICallError, generateObject, generateText, RetryError, stepCountIs, tool } from 'ai';
import { z } from 'zod';
import { TOKEN, useCompatService } from './fixture';

// The Vercel AI SDK (`ai` + `@ai-sdk/openai-compatible`) against /v1.
describe('AI SDK against /v1', () => {
  const svc = useCompatService();
  const provider = (apiKey = TOKEN) =>
    createOpenAICompatible({
      name: 'headspace',
      apiKey,
      baseURL: svc.current.baseURL,
      supportsStructuredOutputs: true,
    });

  it('generateText: the answer, and usage and cost as the fake reported them', async () => {
    const r = await generateText({
      model: provider()('turn'),
      system: 'be brief',
      prompt: 'hello from the ai sdk',
      maxRetries: 0,
    });
    expect(r.text).toMatch(/^echo\(\w+\): hello from the ai sdk$/);
    expect(r.finishReason).toBe('stop');
    const body = r.response.body as { id: string; usage: { cost: number } };
    const record = await svc.current.call(body.id);
    expect(record).toMatchObject({ level: 'turn', status: 'succeeded' });
    expect(r.usage.inputTokens).toBe(record.inputTokens);
    expect(r.usage.outputTokens).toBe(record.outputTokens);
    expect(body.usage.cost).toBe(record.costUsd);
    expect(record.reportedCostUsd).toBeCloseTo(record.costUsd, 9);
    expect(r.response.headers?.['x-headspace-call-id']).toBe(body.id);
    expect(r.response.headers?.['x-headspace-cached']).toBe('false');
  });

  it('a level chosen by model, and level, purpose and associations from providerOptions', async () => {
    const r = await generateText({
      model: provider()('anthropic/claude-haiku-4.5'),
      prompt: 'with provider options',
      maxRetries: 0,
      providerOptions: {
        headspace: {
          level: 'objective',
          purpose: 'ai sdk test',
          projectId: 'proj-ai',
          turnId: 't-1',
        },
      },
    });
    expect(r.response.modelId).toBe('anthropic/claude-haiku-4.5');
    const id = (r.response.body as { id: string }).id;
    expect(await svc.current.call(id)).toMatchObject({
      level: 'objective',
      model: 'anthropic/claude-haiku-4.5',
      purpose: 'ai sdk test',
      projectId: 'proj-ai',
      turnId: 't-1',
    });
  });

  it('a wrong key is an APICallError with status 401 and is not retried', async () => {
    const upstream = svc.current.fake.completions().length;
    const e = await generateText({
      model: provider('wrong-key')('turn'),
      prompt: 'x',
      maxRetries: 2,
    }).catch((x: unknown) => x);
    // Not retryable: the SDK throws the call error itself, not a RetryError after attempts.
    expect(RetryError.isInstance(e)).toBe(false);
    expect(APICallError.isInstance(e)).toBe(true);
    expect(e).toMatchObject({ statusCode: 401, isRetryable: false });
    expect((e as APICallError).message).toMatch(/bearer token/);
    expect(svc.current.fake.completions().length).toBe(upstream);
  });

  it('a tool call round trip: the SDK runs the tool and sends its result back', async () => {
    const seen: unknown[] = [];
    const r = await generateText({
      model: provider()('turn'),
      prompt: 'weather in Oslo?',
      maxRetries: 0,
      tools: {
        get_weather: tool({
          description: 'weather',
          inputSchema: z.object({ city: z.string().optional() }),
          execute: (input) => {
            seen.push(input);
            return Promise.resolve({ celsius: 4 });
          },
        }),
      },
      // Call the tool first, then answer in words.
      prepareStep: ({ stepNumber }) =>
        stepNumber === 0
          ? { toolChoice: { type: 'tool', toolName: 'get_weather' } }
          : { toolChoice: 'none' },
      stopWhen: stepCountIs(3),
    });
    expect(seen).toEqual([{}]);
    expect(r.steps).toHaveLength(2);
    expect(r.steps[0]?.finishReason).toBe('tool-calls');
    expect(r.steps[0]?.toolCalls[0]?.toolName).toBe('get_weather');
    expect(r.text).toMatch(/^echo\(\w+\): /);
    const ids = r.steps.map((s) => (s.response.body as { id: string }).id);
    const [first, second] = await Promise.all(ids.map((id) => svc.current.call(id)));
    expect(first).toMatchObject({ finishReason: 'tool_calls', status: 'succeeded' });
    expect(second).toMatchObject({ finishReason: 'stop', status: 'succeeded' });
  });

  it('generateObject with a zod schema: json_schema upstream, the object validated', async () => {
    const r = await generateObject({
      model: provider()('task'),
      schema: z.object({ name: z.string(), age: z.number().int().min(1) }),
      schemaName: 'person',
      prompt: 'a person, please',
      maxRetries: 0,
    });
    expect(r.object).toEqual({ name: 'x', age: 1 });
    const sent = svc.current.fake.completions().at(-1)?.body as {
      response_format: { type: string; json_schema: { name: string } };
    };
    expect(sent.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'person' },
    });
  });
});
