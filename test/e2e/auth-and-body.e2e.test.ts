import { request as httpRequest } from 'node:http';
import { InMemoryGateway } from '../../src/adapters/in-memory';
import { request, startTestServer, type TestServer } from './harness';

const TOKEN = 'e2e-bearer-token-123';

/** A raw request, for what fetch cannot send: chunked bodies with no length. */
const rawPost = (url: string, chunks: Buffer[], headers: Record<string, string>) =>
  new Promise<{ status: number; body: string; connection?: string }>((resolve, reject) => {
    const req = httpRequest(`${url}/api/inference`, { method: 'POST', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }),
      );
    });
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });

describe('auth (server.auth_token set)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(
      { server: { auth_token: TOKEN }, openrouter: { api_key: 'sk-or-e2e-key' } },
      { gateway: new InMemoryGateway() },
    );
  });
  afterAll(() => server.shutdown());

  it.each([
    ['no header', {}],
    ['a wrong token', { authorization: 'Bearer nope' }],
    ['another scheme', { authorization: `Basic ${TOKEN}` }],
  ])('401 unauthorized with %s, on every /api and /v1 route', async (_, headers) => {
    for (const path of ['/api/inference/status', '/api/inference/usage', '/api/openapi.json']) {
      const res = await server.fetch(path, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      const body = (await res.json()) as { code: string; detail: string };
      expect(body.code).toBe('unauthorized');
      expect(JSON.stringify(body)).not.toContain(TOKEN);
    }
    expect((await server.fetch('/v1/models', { headers })).status).toBe(401);
    expect((await server.infer(request(), headers)).status).toBe(401);
  });

  it('passes the right token, leaves /healthz and /readyz open, and guards /metrics', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await server.fetch('/api/inference/status', { headers: auth })).status).toBe(200);
    expect((await server.infer(request('authorised'), auth)).status).toBe(200);
    for (const path of ['/healthz', '/readyz']) {
      expect((await server.fetch(path)).status).toBe(200);
    }
    expect((await server.fetch('/metrics')).status).toBe(401);
    expect((await server.fetch('/metrics', { headers: auth })).status).toBe(200);
  });

  it('an unauthenticated request leaves no call record', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const page = (await (await server.fetch('/api/inference/calls', { headers: auth })).json()) as {
      calls: unknown[];
    };
    expect(page.calls).toHaveLength(1);
  });
});

describe('body limit while reading (server.max_body_bytes = 1024)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(
      { server: { max_body_bytes: 1024 }, openrouter: { api_key: 'sk-or-e2e-key' } },
      { gateway: new InMemoryGateway() },
    );
  });
  afterAll(() => server.shutdown());

  it('413 for a chunked body with no length once it passes the limit, and closes', async () => {
    const head = Buffer.from(JSON.stringify(request('x'.repeat(900))).slice(0, -1));
    const r = await rawPost(server.url, [head, Buffer.from(`,"pad":"${'y'.repeat(400)}"}`)], {
      'content-type': 'application/json',
      'transfer-encoding': 'chunked',
    });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toMatchObject({ code: 'payload_too_large' });
    expect(r.connection).toBe('close');
  });

  it('accepts a chunked body under the limit', async () => {
    const body = Buffer.from(JSON.stringify(request('chunked but small')));
    const r = await rawPost(server.url, [body.subarray(0, 10), body.subarray(10)], {
      'content-type': 'application/json',
      'transfer-encoding': 'chunked',
    });
    expect(r.status).toBe(200);
  });

  it('a body of exactly the limit is read (and judged on its content)', async () => {
    const base = JSON.stringify(request(''));
    const body = JSON.stringify(request('z'.repeat(1024 - base.length)));
    expect(Buffer.byteLength(body)).toBe(1024);
    expect((await server.infer(body)).status).toBe(200);
  });
});
