import {
  callsPageSchema,
  inferenceResultSchema,
  problemSchema,
  statusSchema,
} from '../../src/adapters/http/schemas';
import { FAKE_API_KEY, FakeOpenRouter } from '../support/fake-openrouter';
import { request, startTestServer, type TestServer } from './harness';

const HAIKU = 'anthropic/claude-haiku-4.5';
const MINI = 'openai/gpt-4o-mini';
const SCHEMA = {
  type: 'object',
  properties: {
    priority: { type: 'integer', minimum: 1, maximum: 5 },
    reason: { type: 'string' },
  },
  required: ['priority', 'reason'],
  additionalProperties: false,
};

// Each v2 request field over HTTP, through the real OpenRouter gateway to the fake OpenRouter,
// recorded in PostgreSQL.
describe('richer requests over HTTP (OpenRouter gateway → fake OpenRouter)', () => {
  let fake: FakeOpenRouter;
  let server: TestServer;

  beforeAll(async () => {
    fake = await FakeOpenRouter.start();
    server = await startTestServer({
      openrouter: {
        base_url: fake.baseUrl,
        api_key: FAKE_API_KEY,
        fallbacks: { task: [MINI] },
        allowed_models: ['anthropic/claude-opus-4.5'],
        pricing: { [HAIKU]: { input: 1, output: 5, cache_read: 0.1 } },
        structured_output: { repair_attempts: 1 },
        cache: { enabled: false },
      },
    });
  });
  afterAll(async () => {
    await server.shutdown();
    await fake.close();
  });
  beforeEach(() => fake.clear());

  const ok = async (body: object) => {
    const res = await server.infer(body);
    const json = await res.json();
    expect({ status: res.status, json }).toMatchObject({ status: 200 });
    return inferenceResultSchema.parse(json);
  };
  const problem = async (body: object, status = 400) => {
    const res = await server.infer(body);
    expect(res.status).toBe(status);
    return problemSchema.parse(await res.json());
  };
  const record = async (callId: string) => {
    const page = callsPageSchema.parse(
      await (await server.fetch('/api/inference/calls?limit=20')).json(),
    );
    const r = page.calls.find((c) => c.id === callId);
    expect(r).toBeDefined();
    return r!;
  };
  const sent = () => fake.completions().map((c) => c.body as Record<string, any>);

  it('messages: a conversation goes up as messages; equal conversations hash equal', async () => {
    const messages = [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'what changed?' },
    ];
    const a = await ok({ level: 'turn', purpose: 'p', messages });
    expect(sent()[0]?.messages).toEqual(messages);
    const b = await ok(request('what changed?', { system: 'be brief' }));
    expect((await record(a.callId)).inputHash).toBe((await record(b.callId)).inputHash);
  });

  it('messages with tool calls and results travel in OpenAI form', async () => {
    const call = { id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{}' } };
    await ok({
      level: 'turn',
      purpose: 'p',
      messages: [
        { role: 'user', content: 'look it up' },
        { role: 'assistant', content: '', toolCalls: [call] },
        { role: 'tool', content: '{"found":true}', toolCallId: 'c1' },
      ],
    });
    expect(sent()[0]?.messages.slice(1)).toEqual([
      { role: 'assistant', content: '', tool_calls: [call] },
      { role: 'tool', content: '{"found":true}', tool_call_id: 'c1' },
    ]);
  });

  it('400s name the field: a bad message role, system with messages, an unknown field', async () => {
    const bad = { level: 'turn', purpose: 'p', messages: [{ role: 'robot', content: 'x' }] };
    expect((await problem(bad)).detail).toMatch(/^messages\.0\.role: /);
    const both = { ...bad, messages: [{ role: 'user', content: 'x' }], system: 's' };
    expect((await problem(both)).detail).toMatch(/^system: /);
    expect((await problem(request('x', { temprature: 0.5 }))).detail).toBe(
      'temprature: unknown field',
    );
    expect((await problem(request('x', { stop: ['1', '2', '3', '4', '5'] }))).detail).toMatch(
      /^stop: /,
    );
    expect(fake.completions()).toHaveLength(0);
  });

  it('topP, stop, seed and reasoning go up as OpenRouter names them; reasoning tokens come back', async () => {
    const r = await ok(
      request('think', {
        topP: 0.8,
        stop: ['END'],
        seed: 7,
        reasoning: { maxTokens: 500 },
        maxOutputTokens: 300,
      }),
    );
    expect(sent()[0]).toMatchObject({
      top_p: 0.8,
      stop: ['END'],
      seed: 7,
      reasoning: { max_tokens: 500 },
    });
    expect(r.reasoningTokens).toBeGreaterThan(0);
    expect((await record(r.callId)).reasoningTokens).toBe(r.reasoningTokens);
    const usage = (await (await server.fetch('/api/inference/usage')).json()) as {
      reasoningTokens: number;
    };
    expect(usage.reasoningTokens).toBeGreaterThanOrEqual(r.reasoningTokens);
  });

  it('cached input tokens are returned, recorded and priced at the cache-read price', async () => {
    fake.script({ reply: { cachedTokens: 8 } });
    const r = await ok(request('a long shared prefix and then a question'));
    expect(r.cachedInputTokens).toBe(8);
    expect((await record(r.callId)).cachedInputTokens).toBe(8);
    const plain = ((r.inputTokens - 8) * 1 + 8 * 0.1 + r.outputTokens * 5) / 1e6;
    expect(r.costUsd).toBeCloseTo(plain, 9);
  });

  it('responseFormat json_schema: JSON answer in `json`, upstream told to require the format', async () => {
    const r = await ok(
      request('score it', {
        responseFormat: { type: 'json_schema', name: 'score', schema: SCHEMA },
      }),
    );
    expect(r.json).toEqual({ priority: 1, reason: 'x' });
    expect(sent()[0]).toMatchObject({
      response_format: { type: 'json_schema', json_schema: { name: 'score', schema: SCHEMA } },
      provider: { require_parameters: true },
    });
  });

  it('an invalid answer is repaired once; both attempts are paid in one record', async () => {
    fake.script({ reply: { content: '{"priority":7,"reason":"r"}' } });
    const r = await ok(
      request('score', { responseFormat: { type: 'json_schema', schema: SCHEMA } }),
    );
    expect(r.json).toEqual({ priority: 1, reason: 'x' });
    expect(fake.completions()).toHaveLength(2);
    expect(JSON.stringify(sent()[1]?.messages)).toContain('/priority: must be <= 5');
    const rec = await record(r.callId);
    expect(rec).toMatchObject({ status: 'succeeded', attempts: 2, inputTokens: r.inputTokens });
  });

  it('still invalid after the repair: 502 invalid_output naming the violation; recorded with its cost', async () => {
    fake.script({ reply: { content: 'not json' } }, { reply: { content: '{"priority":3}' } });
    const p = await problem(
      request('score', { responseFormat: { type: 'json_schema', schema: SCHEMA } }),
      502,
    );
    expect(p.code).toBe('invalid_output');
    expect(p.detail).toContain("(root): must have required property 'reason'");
    const page = callsPageSchema.parse(
      await (await server.fetch('/api/inference/calls?limit=1')).json(),
    );
    expect(page.calls[0]).toMatchObject({ status: 'failed', attempts: 2 });
    expect(page.calls[0]!.inputTokens).toBeGreaterThan(0);
    expect(page.calls[0]!.costUsd).toBeGreaterThan(0);
  });

  it('an invalid schema is a 400 naming responseFormat.schema, nothing sent', async () => {
    const p = await problem(
      request('x', { responseFormat: { type: 'json_schema', schema: { type: 12 } } }),
    );
    expect(p.detail).toMatch(/^responseFormat\.schema: /);
    expect(fake.completions()).toHaveLength(0);
  });

  it('tools and toolChoice go up; tool calls come back and are recorded', async () => {
    const tools = [
      { type: 'function', function: { name: 'create_task', parameters: { type: 'object' } } },
    ];
    const toolChoice = { type: 'function', function: { name: 'create_task' } };
    const r = await ok(request('make a task', { tools, toolChoice }));
    expect(sent()[0]).toMatchObject({ tools, tool_choice: toolChoice });
    expect(r.finishReason).toBe('tool_calls');
    expect(r.toolCalls?.[0]?.function.name).toBe('create_task');
    expect((await record(r.callId)).toolCalls).toEqual(r.toolCalls);
  });

  it('fallbacks: sent as models; the answering model is returned and recorded; status shows them', async () => {
    fake.failModels(HAIKU);
    const r = await ok(request('fall back', { level: 'task' }));
    expect(sent()[0]?.models).toEqual([HAIKU, MINI]);
    expect(r.model).toBe(MINI);
    expect((await record(r.callId)).model).toBe(MINI);
    const status = statusSchema.parse(await (await server.fetch('/api/inference/status')).json());
    expect(status.fallbacks).toEqual({ turn: [], task: [MINI], project: [], objective: [] });
  });

  it('model: a level model, a fallback or an allowed model is used; anything else is a 400', async () => {
    for (const model of ['anthropic/claude-sonnet-4.5', MINI, 'anthropic/claude-opus-4.5']) {
      fake.clear();
      await ok(request('pick', { model }));
      expect(sent()[0]?.model).toBe(model);
    }
    expect((await problem(request('pick', { model: 'x/unknown' }))).detail).toMatch(/^model: /);
  });
});
