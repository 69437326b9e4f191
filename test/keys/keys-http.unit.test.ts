import type { Server } from 'node:http';
import { createInferenceService, type InferenceService } from '../../src';
import { InMemoryGateway } from '../../src/adapters/in-memory';
import { serveWithKeys } from '../support/keyed-http';
import { keySpecSchema } from '../../src/domain';

const TOKEN = 'bootstrap-token-for-key-routes';

describe('the key routes over HTTP', () => {
  let svc: InferenceService;
  let server: Server;
  let base: string;
  let openApi: Record<string, unknown>;

  beforeAll(async () => {
    svc = await createInferenceService({
      config: { server: { auth_token: TOKEN }, openrouter: { api_key: 'sk-or-routes' } },
      env: {},
      memory: true,
      gateway: new InMemoryGateway(),
      background: false,
    });
    const served = await serveWithKeys(svc, TOKEN);
    openApi = served.http.openApi;
    server = served.server;
    base = served.base;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await svc.close();
  });

  const send = async (method: string, path: string, body?: unknown, bearer = TOKEN) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${bearer}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };

  it('issues a key shown once, lists it without it, rotates and revokes it', async () => {
    const made = await send('POST', '/api/keys', {
      name: 'module-a',
      scopes: ['infer', 'read'],
      limits: { callsPerMinute: 10 },
      budgets: [{ period: 'week', limitUsd: 3 }],
      levels: ['turn'],
    });
    expect(made.status).toBe(201);
    expect(made.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(made.body).sort()).toEqual(
      [
        'budgets',
        'createdAt',
        'expiresAt',
        'id',
        'key',
        'levels',
        'limits',
        'models',
        'name',
        'scopes',
      ].sort(),
    );
    const { id, key } = made.body as { id: string; key: string };
    const listed = await send('GET', '/api/keys');
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(key.slice(17));
    const one = (listed.body.keys as Array<Record<string, unknown>>).find((k) => k.id === id);
    expect(one).toMatchObject({ name: 'module-a', revokedAt: null, levels: ['turn'] });
    expect((await send('GET', `/api/keys/${id}`)).body).toMatchObject({ id, name: 'module-a' });
    // The key itself works, within its scopes.
    expect((await send('GET', '/api/inference/status', undefined, key)).status).toBe(200);
    expect((await send('GET', '/api/keys', undefined, key)).status).toBe(403);
    // Outside its levels on /v1: 403 in OpenAI's shape.
    const v1 = await send(
      'POST',
      '/v1/chat/completions',
      { model: 'objective', messages: [{ role: 'user', content: 'hi' }] },
      key,
    );
    expect(v1.status).toBe(403);
    expect(v1.body.error).toMatchObject({ type: 'permission_denied_error', code: 'forbidden' });
    expect(v1.body.error.message).toMatch(/^level: /);

    const rotated = await send('POST', `/api/keys/${id}/rotate`);
    expect(rotated.status).toBe(201);
    expect(rotated.body).toMatchObject({ id });
    expect(rotated.body.key).not.toBe(key);
    expect((await send('GET', '/api/inference/status', undefined, key)).status).toBe(401);
    expect((await send('GET', '/api/inference/status', undefined, rotated.body.key)).status).toBe(
      200,
    );

    expect((await send('DELETE', `/api/keys/${id}`)).status).toBe(204);
    expect((await send('DELETE', `/api/keys/${id}`)).status).toBe(204);
    expect((await send('GET', '/api/inference/status', undefined, rotated.body.key)).status).toBe(
      401,
    );
    expect((await send('POST', `/api/keys/${id}/rotate`, {})).status).toBe(409);
    expect((await send('DELETE', '/api/keys/zzzzzzzzzzzz')).status).toBe(404);
    expect((await send('GET', '/api/keys/zzzzzzzzzzzz')).status).toBe(404);
  });

  it('serves /v1 to a key that only infers, recording the key on the call', async () => {
    const made = await send('POST', '/api/keys', { name: 'sdk', scopes: ['infer'] });
    const { id, key } = made.body as { id: string; key: string };
    const models = await send('GET', '/v1/models', undefined, key);
    expect(models.status).toBe(200);
    const r = await send(
      'POST',
      '/v1/chat/completions',
      { model: 'turn', messages: [{ role: 'user', content: 'hello from an SDK' }] },
      key,
    );
    expect(r.status).toBe(200);
    expect(r.body.object).toBe('chat.completion');
    expect((await send('GET', '/api/inference/calls', undefined, key)).status).toBe(403);
    const calls = await send('GET', `/api/inference/calls?keyId=${id}`);
    expect(calls.body.calls).toHaveLength(1);
    expect(calls.body.calls[0]).toMatchObject({ id: r.body.id, keyId: id });
  });

  it('answers bad bodies with a 4xx naming the field', async () => {
    const cases: Array<[unknown, RegExp]> = [
      ['not json', /^body|json/i],
      [[1, 2], /^body: must be a JSON object/],
      [{ scopes: ['read'] }, /^name:/],
      [{ name: '', scopes: ['read'] }, /^name:/],
      [{ name: 'x' }, /^scopes:/],
      [{ name: 'x', scopes: ['root'] }, /^scopes\.0:/],
      [{ name: 'x', scopes: ['read', 'read'] }, /^scopes: must not repeat/],
      [{ name: 'x', scopes: ['read'], limits: { callsPerMinute: 0 } }, /^limits\.callsPerMinute:/],
      [{ name: 'x', scopes: ['read'], limits: { rpm: 1 } }, /^limits\.rpm: unknown field/],
      [{ name: 'x', scopes: ['read'], budgets: [{ period: 'day' }] }, /^budgets\.0\.limitUsd:/],
      [{ name: 'x', scopes: ['read'], levels: ['epic'] }, /^levels\.0:/],
      [{ name: 'x', scopes: ['read'], expiresAt: 'tomorrow' }, /^expiresAt:/],
      [{ name: 'x', scopes: ['read'], owner: 'me' }, /^owner: unknown field/],
    ];
    for (const [body, detail] of cases) {
      const r = await send('POST', '/api/keys', body);
      expect([body, r.status]).toEqual([body, 400]);
      expect([body, r.body.detail]).toEqual([body, expect.stringMatching(detail)]);
    }
    const id = (await send('POST', '/api/keys', { name: 'r', scopes: ['read'] })).body.id as string;
    for (const [body, detail] of [
      [{ overlapSeconds: -1 }, /^overlapSeconds:/],
      [{ overlapSeconds: 604_801 }, /^overlapSeconds:/],
      [{ overlapSeconds: 1.5 }, /^overlapSeconds:/],
      [{ overlap: 5 }, /^overlap: unknown field/],
    ] as Array<[unknown, RegExp]>) {
      const r = await send('POST', `/api/keys/${id}/rotate`, body);
      expect([body, r.status, r.body.detail]).toEqual([body, 400, expect.stringMatching(detail)]);
    }
  });

  it('documents every key route, its body schema being the one that validates', () => {
    const paths = openApi.paths as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths['/api/keys'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(paths['/api/keys/{id}'] ?? {}).sort()).toEqual(['delete', 'get']);
    expect(Object.keys(paths['/api/keys/{id}/rotate'] ?? {})).toEqual(['post']);
    const schemas = (openApi.components as { schemas: Record<string, any> }).schemas;
    expect(Object.keys(schemas.KeySpec.properties).sort()).toEqual(
      Object.keys(keySpecSchema.shape).sort(),
    );
    expect(schemas.KeySpec.additionalProperties).toBe(false);
    expect(schemas.KeyRotation.properties.overlapSeconds).toMatchObject({
      minimum: 0,
      maximum: 604800,
    });
    const post = paths['/api/keys']!.post as { responses: Record<string, unknown> };
    expect(Object.keys(post.responses)).toEqual(
      expect.arrayContaining(['201', '400', '401', '403']),
    );
  });
});
