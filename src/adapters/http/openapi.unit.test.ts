import { errAsync } from 'neverthrow';
import pino from 'pino';
import { inferenceError } from '../../domain';
import { createHttpApp } from './app';
import type { HttpApi } from './context';
import { HttpMetrics } from './metrics';
import { modelCatalog } from './openai/catalog';

const unused = () => {
  throw new Error('not called in this test');
};
const api: HttpApi = {
  infer: () => errAsync(inferenceError('unavailable', 'x')),
  status: unused,
  usage: () => errAsync(inferenceError('unavailable', 'x')),
  calls: () => errAsync(inferenceError('unavailable', 'x')),
  ready: unused,
};

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
      layer.methods.filter((m) => m !== 'HEAD').map((m) => [String(layer.path), m.toLowerCase()]),
    );
    expect(routes.length).toBeGreaterThanOrEqual(8);
    for (const [path, method] of routes) expect(paths[path!]?.[method!]).toBeDefined();
  });

  it('documents no route the router does not serve', () => {
    const served = new Set(router.stack.map((l) => String(l.path)));
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

  it('lists every contract status of POST /api/inference', () => {
    const responses = (paths['/api/inference']!.post as { responses: object }).responses;
    expect(Object.keys(responses).sort()).toEqual(
      ['200', '400', '401', '413', '429', '502', '503', '504'].sort(),
    );
  });

  it('documents the OpenAI-compatible routes with their error statuses', () => {
    const chat = paths['/v1/chat/completions']!.post as { responses: Record<string, unknown> };
    expect(Object.keys(chat.responses).sort()).toEqual(
      ['200', '400', '401', '413', '429', '502', '503', '504'].sort(),
    );
    expect(paths['/v1/models']!.get).toBeDefined();
    const schemas = (openApi.components as { schemas: Record<string, any> }).schemas;
    expect(schemas.ChatCompletionRequest.required).toEqual(['model', 'messages']);
  });
});
