import { inferenceError } from '../../domain';
import { runInferenceOver } from '../../../test/support/run-inference-setup';

const REQ = { level: 'turn', purpose: 'score', input: 'score this task' } as const;
const SCHEMA = {
  type: 'object',
  properties: { priority: { type: 'integer', minimum: 1, maximum: 5 } },
  required: ['priority'],
  additionalProperties: false,
};
const STRUCTURED = { ...REQ, responseFormat: { type: 'json_schema', schema: SCHEMA } } as const;

describe('runInference: conversations and parameters', () => {
  it('sends a conversation and every parameter to the gateway', async () => {
    const t = runInferenceOver();
    const messages = [
      { role: 'system', content: 's' },
      { role: 'user', content: 'u' },
    ] as const;
    const r = await t.run({
      level: 'turn',
      purpose: 'p',
      messages,
      topP: 0.9,
      stop: ['x'],
      seed: 7,
      reasoning: { effort: 'low' },
    });
    expect(r.isOk()).toBe(true);
    expect(t.gateway.received[0]).toMatchObject({
      model: 'm/light',
      messages,
      topP: 0.9,
      stop: ['x'],
      seed: 7,
      reasoning: { effort: 'low' },
    });
  });

  it('a prompt goes upstream as [system, user]', async () => {
    const t = runInferenceOver();
    await t.run({ ...REQ, system: 'be brief' });
    expect(t.gateway.received[0]?.messages).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: REQ.input },
    ]);
  });

  it('returns and records tool calls, finish reason, reasoning and cached tokens', async () => {
    const t = runInferenceOver();
    const toolCalls = [
      { id: 'c', type: 'function' as const, function: { name: 'f', arguments: '{}' } },
    ];
    t.gateway.enqueue({
      text: '',
      toolCalls,
      finishReason: 'tool_calls',
      reasoningTokens: 4,
      cachedInputTokens: 3,
    });
    const tools = [{ type: 'function', function: { name: 'f', parameters: {} } }];
    const r = (await t.run({ ...REQ, tools }))._unsafeUnwrap();
    expect(r).toMatchObject({
      toolCalls,
      finishReason: 'tool_calls',
      reasoningTokens: 4,
      cachedInputTokens: 3,
    });
    expect(await t.store.get(r.callId)).toMatchObject({
      toolCalls,
      finishReason: 'tool_calls',
      reasoningTokens: 4,
      cachedInputTokens: 3,
    });
    const hit = (await t.run({ ...REQ, tools }))._unsafeUnwrap();
    expect(hit).toMatchObject({ cached: true, toolCalls, reasoningTokens: 4 });
    expect((await t.store.usage({})).reasoningTokens).toBe(4);
  });

  it("a caller changing its answer's tool calls changes neither the cache nor the record", async () => {
    const t = runInferenceOver();
    const call = { id: 'c', type: 'function' as const, function: { name: 'f', arguments: '{}' } };
    t.gateway.enqueue({ text: '', toolCalls: [call], finishReason: 'tool_calls' });
    const tools = [{ type: 'function', function: { name: 'f', parameters: {} } }];
    const first = (await t.run({ ...REQ, tools }))._unsafeUnwrap();
    first.toolCalls![0]!.function.arguments = '{"changed":true}';
    const hit = (await t.run({ ...REQ, tools }))._unsafeUnwrap();
    expect(hit).toMatchObject({ cached: true, toolCalls: [call] });
    (hit.toolCalls as unknown as unknown[]).push(call);
    const again = (await t.run({ ...REQ, tools }))._unsafeUnwrap();
    expect(again.toolCalls).toEqual([call]);
    expect((await t.store.get(first.callId))?.toolCalls).toEqual([call]);
  });

  it('without tools the result has no toolCalls, and finishReason always', async () => {
    const r = (await runInferenceOver().run(REQ))._unsafeUnwrap();
    expect(r).not.toHaveProperty('toolCalls');
    expect(r).not.toHaveProperty('json');
    expect(r.finishReason).toBe('stop');
  });
});

describe('runInference: models', () => {
  it('a chosen model that is allowed is used; one that is not is a 400 naming model, unrecorded', async () => {
    const t = runInferenceOver({ allowedModels: ['m/extra'], fallbacks: { turn: ['m/fallback'] } });
    expect((await t.run({ ...REQ, model: 'm/heavy' }))._unsafeUnwrap().model).toBe('m/heavy');
    expect((await t.run({ ...REQ, model: 'm/extra' }))._unsafeUnwrap().model).toBe('m/extra');
    expect((await t.run({ ...REQ, model: 'm/fallback' }))._unsafeUnwrap().model).toBe('m/fallback');
    const e = (await t.run({ ...REQ, model: 'm/other' }))._unsafeUnwrapErr();
    expect(e).toMatchObject({ code: 'invalid_request', field: 'model' });
    expect(e.detail).toMatch(/^model: /);
    expect(await t.events()).toHaveLength(3);
  });

  it('sends the level fallbacks; the answering model is recorded and priced', async () => {
    const t = runInferenceOver({ fallbacks: { turn: ['m/fallback'] } });
    t.gateway.enqueue({ model: 'm/fallback', inputTokens: 1000, outputTokens: 100 });
    const r = (await t.run(REQ))._unsafeUnwrap();
    expect(t.gateway.received[0]).toMatchObject({ model: 'm/light', fallbacks: ['m/fallback'] });
    // 1000 × $10/M + 100 × $50/M: the fallback's price, not the level model's.
    expect(r).toMatchObject({ model: 'm/fallback', costUsd: 0.015 });
    expect(await t.store.get(r.callId)).toMatchObject({ model: 'm/fallback' });
  });

  it('prices cache reads and writes: configured, else the input price', async () => {
    const t = runInferenceOver({}, { 'm/light': { input: 1, output: 5, cacheRead: 0.1 } });
    t.gateway.enqueue({ inputTokens: 1000, cachedInputTokens: 800, cacheWriteTokens: 100 });
    t.gateway.enqueue({ inputTokens: 1000, outputTokens: 0 });
    // 100 plain × $1 + 800 read × $0.1 + 100 written × $1 (no write price) = $0.00028, + output
    const a = (await t.run({ ...REQ, cache: false }))._unsafeUnwrap();
    const outputCost = (a.outputTokens * 5) / 1e6;
    expect(a.costUsd).toBeCloseTo(0.00028 + outputCost, 9);
  });
});

describe('runInference: structured output', () => {
  it('validates the answer and returns it parsed as json', async () => {
    const t = runInferenceOver();
    t.gateway.enqueue({ text: '{"priority":3}' });
    const r = (await t.run(STRUCTURED))._unsafeUnwrap();
    expect(r.json).toEqual({ priority: 3 });
    expect(t.gateway.received).toHaveLength(1);
    const hit = (await t.run(STRUCTURED))._unsafeUnwrap();
    expect(hit).toMatchObject({ cached: true, json: { priority: 3 } });
  });

  it('repairs an invalid answer by sending it back with the violation; every attempt is paid', async () => {
    const t = runInferenceOver();
    t.gateway.enqueue(
      { text: '{"priority":9}', inputTokens: 100, outputTokens: 10, reportedCostUsd: 0.001 },
      { text: '{"priority":2}', inputTokens: 130, outputTokens: 10, reportedCostUsd: 0.002 },
    );
    const r = (await t.run(STRUCTURED))._unsafeUnwrap();
    expect(r).toMatchObject({ json: { priority: 2 }, inputTokens: 230, outputTokens: 20 });
    const repair = t.gateway.received[1]?.messages ?? [];
    expect(repair.slice(-2)).toEqual([
      { role: 'assistant', content: '{"priority":9}' },
      { role: 'user', content: expect.stringContaining('/priority: must be <= 5') },
    ]);
    // (230 × $1 + 20 × $5) / 1e6
    expect(r.costUsd).toBeCloseTo(0.00033, 9);
    const [e] = await t.events();
    expect(e?.data).toMatchObject({ attempts: 2, reportedCostNanos: 3_000_000 });
  });

  it('after the repairs: 502 invalid_output naming the first violation; one record with every attempt paid', async () => {
    const t = runInferenceOver({ repairAttempts: 2 });
    t.gateway.enqueue(
      { text: 'not json', inputTokens: 10, outputTokens: 1 },
      { text: '{}', inputTokens: 10, outputTokens: 1 },
      { text: '{"priority":"high"}', inputTokens: 10, outputTokens: 1 },
    );
    const e = (await t.run(STRUCTURED))._unsafeUnwrapErr();
    expect(e.code).toBe('invalid_output');
    expect(e.detail).toContain('/priority: must be integer');
    expect(t.gateway.received).toHaveLength(3);
    const evs = await t.events();
    expect(evs).toHaveLength(1);
    expect(evs[0]?.type).toBe('InferenceFailed');
    const rec = await t.store.get(evs[0]!.data.callId);
    expect(rec).toMatchObject({ status: 'failed', inputTokens: 30, outputTokens: 3, attempts: 3 });
    expect(rec?.costNanos).toBe(45_000);
    expect(rec?.errorMessage).toMatch(/^invalid_output: /);
    expect(await t.store.usage({})).toMatchObject({ failedCalls: 1, inputTokens: 30 });
  });

  it('json (no schema): only parsing is checked; repair_attempts 0 fails at once', async () => {
    const t = runInferenceOver({ repairAttempts: 0 });
    t.gateway.enqueue({ text: '[1,2' });
    const e = (await t.run({ ...REQ, responseFormat: { type: 'json' } }))._unsafeUnwrapErr();
    expect(e).toMatchObject({ code: 'invalid_output' });
    expect(e.detail).toMatch(/not JSON/);
    expect(t.gateway.received).toHaveLength(1);
  });

  it('an upstream failure during a repair fails the call with what was spent', async () => {
    const t = runInferenceOver();
    t.gateway.enqueue(
      { text: 'nope', inputTokens: 50, outputTokens: 5 },
      inferenceError('upstream_timeout', 'no answer', { attempts: 2 }),
    );
    const e = (await t.run(STRUCTURED))._unsafeUnwrapErr();
    expect(e).toMatchObject({ code: 'upstream_timeout', attempts: 3 });
    const [ev] = await t.events();
    expect(ev?.data).toMatchObject({ inputTokens: 50, outputTokens: 5, attempts: 3 });
  });

  it('an invalid schema in the request is a 400 naming responseFormat.schema, nothing spent', async () => {
    const t = runInferenceOver();
    const e = (
      await t.run({ ...REQ, responseFormat: { type: 'json_schema', schema: { type: 'nope' } } })
    )._unsafeUnwrapErr();
    expect(e).toMatchObject({ code: 'invalid_request', field: 'responseFormat.schema' });
    const tool = { type: 'function', function: { name: 'f', parameters: { minimum: 'x' } } };
    const e2 = (await t.run({ ...REQ, tools: [tool] }))._unsafeUnwrapErr();
    expect(e2).toMatchObject({ field: 'tools.0.function.parameters' });
    expect(t.gateway.received).toHaveLength(0);
    expect(await t.events()).toHaveLength(0);
  });
});
