import { errAsync } from 'neverthrow';
import pino from 'pino';
import { inferenceError, inferenceRequestSchema } from '../../domain';
import { createHttpApp } from './app';
import type { HttpApi } from './context';
import { HttpMetrics } from './metrics';
import { modelCatalog } from './openai/catalog';
import { streamEventChecker } from '../../../test/support/openapi-stream-check';

const unused = () => {
  throw new Error('not called in this test');
};
const api: HttpApi = {
  infer: () => errAsync(inferenceError('unavailable', 'x')),
  stream: unused,
  status: unused,
  usage: () => errAsync(inferenceError('unavailable', 'x')),
  calls: () => errAsync(inferenceError('unavailable', 'x')),
  usageSeries: () => errAsync(inferenceError('unavailable', 'x')),
  ready: unused,
};

/** A router path as OpenAPI spells it: `:file` becomes `{file}`. */
const openApiPath = (p: unknown): string => String(p).replace(/:(\w+)/g, '{$1}');

describe('OpenAPI document', () => {
  const { router, openApi } = createHttpApp({
    api,
    settings: {
      authToken: '',
      maxBodyBytes: 1024,
      maxInputChars: 1234,
      version: '9.9.9',
      models: modelCatalog({ turn: 'a', task: 'a', project: 'b', objective: 'b' }, {}, []),
    },
    logger: pino({ level: 'silent' }),
    metrics: new HttpMetrics({ processMetrics: false }),
  });
  const paths = openApi.paths as Record<string, Record<string, unknown>>;

  it('documents every route the router serves, with its method', () => {
    const routes = router.stack.flatMap((layer) =>
      layer.methods
        .filter((m) => m !== 'HEAD')
        .map((m) => [openApiPath(layer.path), m.toLowerCase()]),
    );
    expect(routes.length).toBeGreaterThanOrEqual(8);
    for (const [path, method] of routes) expect(paths[path!]?.[method!]).toBeDefined();
  });

  it('documents no route the router does not serve', () => {
    const served = new Set(router.stack.map((l) => openApiPath(l.path)));
    for (const path of Object.keys(paths)) expect(served.has(path)).toBe(true);
  });

  it('is OpenAPI 3.1 and carries the request schema that validates requests', () => {
    expect(openApi.openapi).toBe('3.1.0');
    const schemas = (openApi.components as { schemas: Record<string, any> }).schemas;
    const req = schemas.InferenceRequest;
    expect(req.required).toEqual(['level', 'purpose']);
    expect(req.oneOf).toEqual([{ required: ['input'] }, { required: ['messages'] }]);
    expect(req.additionalProperties).toBe(false);
    expect(req.properties.input.maxLength).toBe(1234);
    expect(req.properties.level.enum).toEqual(['turn', 'task', 'project', 'objective']);
    expect(req.properties.temperature).toMatchObject({ minimum: 0, maximum: 2 });
  });

  it('documents every request field, nested shapes included, from the validating schema', () => {
    const schemas = (openApi.components as { schemas: Record<string, any> }).schemas;
    const props = schemas.InferenceRequest.properties;
    expect(Object.keys(props).sort()).toEqual(
      Object.keys(inferenceRequestSchema(1234).shape).sort(),
    );
    expect(props.messages.items.properties.role.enum).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
    ]);
    expect(props.stop.maxItems).toBe(4);
    expect(props.topP).toMatchObject({ exclusiveMinimum: 0, maximum: 1 });
    expect(JSON.stringify(props.responseFormat)).toContain('json_schema');
    expect(JSON.stringify(props.toolChoice)).toContain('required');
    expect(JSON.stringify(props.reasoning)).toContain('maxTokens');
  });

  it('documents both 502s (upstream_error and invalid_output) and the v2 result fields', () => {
    const post = paths['/api/inference']!.post as { responses: Record<string, any> };
    expect(post.responses['502'].description).toMatch(/upstream_error.*invalid_output/);
    const result = (openApi.components as { schemas: Record<string, any> }).schemas.InferenceResult;
    expect(Object.keys(result.properties)).toEqual(
      expect.arrayContaining([
        'json',
        'toolCalls',
        'finishReason',
        'reasoningTokens',
        'cachedInputTokens',
      ]),
    );
  });

  it('lists every contract status of POST /api/inference', () => {
    const responses = (paths['/api/inference']!.post as { responses: object }).responses;
    expect(Object.keys(responses).sort()).toEqual(
      ['200', '400', '401', '403', '413', '415', '429', '502', '503', '504'].sort(),
    );
  });

  it('documents the OpenAI-compatible routes with their error statuses', () => {
    const chat = paths['/v1/chat/completions']!.post as { responses: Record<string, unknown> };
    expect(Object.keys(chat.responses).sort()).toEqual(
      ['200', '400', '401', '403', '413', '415', '429', '502', '503', '504'].sort(),
    );
    expect(paths['/v1/models']!.get).toBeDefined();
    const schemas = (openApi.components as { schemas: Record<string, any> }).schemas;
    expect(schemas.ChatCompletionRequest.required).toEqual(['model', 'messages']);
  });

  it('describes the event stream of POST /api/inference: start, delta, done, error and their data', () => {
    const check = streamEventChecker(openApi, '/api/inference');
    const result = {
      callId: 'c1',
      level: 'turn',
      model: 'a',
      text: 'hi',
      finishReason: 'stop',
      inputTokens: 1,
      outputTokens: 1,
      reasoningTokens: 0,
      cachedInputTokens: 0,
      latencyMs: 3,
      costUsd: 0.001,
      cached: false,
    };
    const events = [
      { event: 'start', data: { callId: 'c1', level: 'turn', model: 'a' } },
      { event: 'delta', data: { text: 'hi' } },
      {
        event: 'delta',
        data: { toolCalls: [{ index: 0, id: 't1', type: 'function', function: { name: 'w' } }] },
      },
      { event: 'delta', data: { toolCalls: [{ index: 0, function: { arguments: '{"c' } }] } },
      { event: 'done', data: result },
      {
        event: 'error',
        data: { type: 'u', title: 'U', status: 503, code: 'unavailable', detail: 'shutting down' },
      },
    ];
    for (const e of events) {
      expect(check({ event: e.event, data: JSON.stringify(e.data) }).event).toBe(e.event);
    }
    // The data shapes are enforced, not just named.
    expect(() => check({ event: 'start', data: '{"callId":"c1"}' })).toThrow(/level/);
    expect(() => check({ event: 'delta', data: '{"toolCalls":[{"id":"t"}]}' })).toThrow(/index/);
    expect(() => check({ event: 'done', data: '{"text":"hi"}' })).toThrow(/callId/);
    expect(() => check({ event: 'error', data: '{"detail":"x"}' })).toThrow(/code/);
    expect(() => check({ event: 'finish', data: '{}' })).toThrow(/no kind of that name/);
  });

  it('describes the event stream of POST /v1/chat/completions: chunks, the error chunk, [DONE]', () => {
    const check = streamEventChecker(openApi, '/v1/chat/completions');
    const head = { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'a' };
    const fragment = {
      index: 0,
      id: 't1',
      type: 'function',
      function: { name: 'w', arguments: '' },
    };
    const kinds = [
      {
        ...head,
        choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
      },
      { ...head, choices: [{ index: 0, delta: { tool_calls: [fragment] }, finish_reason: null }] },
      {
        error: { message: 'shutting down', type: 'server_error', param: null, code: 'unavailable' },
      },
    ].map((d) => check({ data: JSON.stringify(d) }).description);
    expect(kinds[0]).toMatch(/role chunk/);
    expect(kinds[1]).toBe(kinds[0]);
    expect(kinds[2]).toMatch(/failure after the start/);
    expect(check({ data: '[DONE]' }).description).toMatch(/end of the stream/);
    expect(() =>
      check({
        data: JSON.stringify({
          ...head,
          choices: [{ index: 0, delta: { tool_calls: [{ id: 'x' }] }, finish_reason: null }],
        }),
      }),
    ).toThrow(/index/);
    expect(() => check({ event: 'delta', data: '{}' })).toThrow();
  });
});
