import {
  chatCompletionSchema,
  modelListSchema,
  openAiErrorSchema,
} from '../../../src/adapters/http/openai/schemas';
import { TOKEN, useCompatService, type CallView } from './fixture';

// /v1 over plain HTTP: the documented shapes, and every error in OpenAI's shape.
describe('/v1 over plain HTTP', () => {
  const svc = useCompatService({ server: { max_body_bytes: 2048 } });
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    svc.current.server.fetch('/v1/chat/completions', {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const errorOf = async (res: Response) => {
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    return openAiErrorSchema.parse(await res.json()).error;
  };

  it('answers match the documented chat.completion and model list schemas', async () => {
    const res = await post({ model: 'task', messages: [{ role: 'user', content: 'shape' }] });
    expect(res.status).toBe(200);
    chatCompletionSchema.parse(await res.json());
    const models = await svc.current.server.fetch('/v1/models', {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    modelListSchema.parse(await models.json());
  });

  it('401 without a key, in OpenAI shape, with x-should-retry: false', async () => {
    const res = await svc.current.server.fetch('/v1/models');
    expect(res.status).toBe(401);
    expect(res.headers.get('x-should-retry')).toBe('false');
    expect(await errorOf(res)).toMatchObject({
      type: 'authentication_error',
      code: 'unauthorized',
    });
  });

  it('400s name the parameter: bad JSON, a missing model, an image part, a bad value', async () => {
    expect(await errorOf(await post('{"model":'))).toMatchObject({ code: 'invalid_request' });
    expect((await errorOf(await post({ messages: [] }))).param).toBe('model');
    const image = {
      model: 'turn',
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }],
    };
    const e = await errorOf(await post(image));
    expect(e).toMatchObject({ param: 'messages[0].content[0]', type: 'invalid_request_error' });
    const level = await post({
      model: 'turn',
      messages: [{ role: 'user', content: 'x' }],
      metadata: { level: 'epic' },
    });
    expect(level.status).toBe(400);
    expect(level.headers.get('x-should-retry')).toBe('false');
    expect((await errorOf(level)).param).toBe('metadata.level');
  });

  it('413 over server.max_body_bytes, 404 for an unknown /v1 path, 405 for a wrong method', async () => {
    const big = await post({
      model: 'turn',
      messages: [{ role: 'user', content: 'x'.repeat(4000) }],
    });
    expect(big.status).toBe(413);
    expect(big.headers.get('x-should-retry')).toBe('false');
    expect((await errorOf(big)).code).toBe('payload_too_large');
    const auth = { authorization: `Bearer ${TOKEN}` };
    const missing = await svc.current.server.fetch('/v1/embeddings', { headers: auth });
    expect(missing.status).toBe(404);
    expect((await errorOf(missing)).code).toBe('not_found');
    const method = await svc.current.server.fetch('/v1/models', { method: 'POST', headers: auth });
    expect(method.status).toBe(405);
    expect((await errorOf(method)).code).toBe('method_not_allowed');
  });

  it('a /v1 call and the same native call are the same call: one upstream request, one cache', async () => {
    const upstream = svc.current.fake.completions().length;
    const v1 = await post({
      model: 'turn',
      messages: [
        { role: 'system', content: 'sys' },
        { role: 'user', content: 'same call' },
      ],
    });
    const native = await svc.current.server.fetch('/api/inference', {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        level: 'turn',
        purpose: 'chat.completions',
        system: 'sys',
        input: 'same call',
      }),
    });
    const a = chatCompletionSchema.parse(await v1.json());
    const b = (await native.json()) as { callId: string; cached: boolean; text: string };
    expect(b).toMatchObject({ cached: true, text: a.choices[0]?.message.content });
    expect(svc.current.fake.completions().length).toBe(upstream + 1);
    // The same identity, level, purpose and answer: a native repeat of a /v1 call is a cache hit.
    const same = (c: CallView) => {
      const { inputHash, level, purpose, model, inputTokens, outputTokens, resultText } =
        c as CallView & {
          inputHash: string;
          resultText: string;
        };
      return { inputHash, level, purpose, model, inputTokens, outputTokens, resultText };
    };
    expect(same(await svc.current.call(b.callId))).toEqual(same(await svc.current.call(a.id)));
  });
});
