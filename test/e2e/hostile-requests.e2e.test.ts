import { InMemoryGateway } from '../../src/adapters/in-memory';
import { capturingLogger, rawExchange } from '../support/raw-http';
import { request, startTestServer, type TestServer } from './harness';

const TOKEN = 'hostile-bearer-token-5f3a9c';
const KEY = 'sk-or-hostile-9f8e7d6c5b4a3928';
const auth = { authorization: `Bearer ${TOKEN}` };

const expectProblem = (status: number, type: string | null, body: string, code: string) => {
  expect(type).toMatch(/^application\/problem\+json/);
  expect(JSON.parse(body)).toMatchObject({ status, code });
};

describe('deny-by-default auth, decided on the matched route', () => {
  const gateway = new InMemoryGateway();
  const { logger, lines } = capturingLogger();
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(
      { server: { auth_token: TOKEN }, openrouter: { api_key: KEY } },
      { memory: true, gateway, logger },
    );
  });
  afterAll(() => server.shutdown());

  it.each([
    ['POST', '/API/inference'],
    ['POST', '/Api/Inference'],
    ['POST', '/api/inference/'],
    ['POST', '/api//inference'],
    ['GET', '/API/inference/usage'],
    ['GET', '/API/openapi.json'],
    ['GET', '/api/inference/%73tatus'],
    ['GET', '/nope'],
    ['GET', '/HEALTHZ'],
    ['GET', '/healthz/'],
    ['GET', '/Dashboard'],
    ['GET', '/metrics'],
    ['OPTIONS', '/api/inference'],
    ['HEAD', '/api/inference/status'],
  ])('%s %s without the token: 401, nothing spent', async (method, path) => {
    const res = await server.fetch(path, {
      method,
      ...(method === 'POST'
        ? { body: JSON.stringify(request()), headers: { 'content-type': 'application/json' } }
        : {}),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    if (method !== 'HEAD') {
      expectProblem(401, res.headers.get('content-type'), await res.text(), 'unauthorized');
    }
    expect(gateway.received).toHaveLength(0);
  });

  it('leaves /healthz and /readyz open', async () => {
    for (const path of ['/healthz', '/readyz']) expect((await server.fetch(path)).status).toBe(200);
  });

  it('with the token, other spellings are no route at all (404), the real ones answer', async () => {
    expect((await server.infer(request(), auth)).status).toBe(200);
    const upper = await server.fetch('/API/inference', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(request()),
    });
    expect(upper.status).toBe(404);
    expect((await server.fetch('/api/inference/status/', { headers: auth })).status).toBe(404);
    expect((await server.fetch('/metrics', { headers: auth })).status).toBe(200);
    expect(gateway.received).toHaveLength(1);
    expect(lines.join('')).not.toContain(TOKEN);
  });
});

describe('server.metrics_public', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(
      { server: { auth_token: TOKEN, metrics_public: true }, openrouter: { api_key: KEY } },
      { memory: true, gateway: new InMemoryGateway() },
    );
  });
  afterAll(() => server.shutdown());

  it('opens /metrics and nothing else', async () => {
    expect((await server.fetch('/metrics')).status).toBe(200);
    expect((await server.fetch('/METRICS')).status).toBe(401);
    expect((await server.fetch('/api/inference/status')).status).toBe(401);
  });
});

describe("malformed HTTP: Node's own refusals are problem+json, and no raw bytes reach the log", () => {
  const { logger, lines } = capturingLogger();
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(
      { server: { auth_token: TOKEN }, openrouter: { api_key: KEY } },
      { memory: true, gateway: new InMemoryGateway(), logger },
    );
  });
  afterAll(() => server.shutdown());

  const head = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;

  it('a body longer than its Content-Length: 400 problem, the token in no log line', async () => {
    const r = await rawExchange(server.url, [
      head([
        'POST /api/inference HTTP/1.1',
        'Host: x',
        `Authorization: Bearer ${TOKEN}`,
        'Content-Type: application/json',
        'Content-Length: 2',
        'Connection: close',
      ]) + '{}GARBAGE',
    ]);
    expect(r.status).toBe(400);
    expect(r.headers).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(r.body)).toMatchObject({ code: 'invalid_request' });
    await server.fetch('/healthz'); // the log lines of that exchange are written by now
    const log = lines.join('');
    expect(log).toMatch(/HPE_/);
    expect(log).not.toContain(TOKEN);
    expect(log).not.toContain('rawPacket');
    expect(log).not.toContain(Buffer.from('Authorization').toJSON().data.join(','));
  });

  it.each([
    [
      'a control byte in a header',
      head(['GET /healthz HTTP/1.1', 'Host: x', 'X-A: a\u0001b']),
      400,
    ],
    [
      'Content-Length with Transfer-Encoding',
      head([
        'POST /api/inference HTTP/1.1',
        'Host: x',
        'Content-Length: 3',
        'Transfer-Encoding: chunked',
      ]) + '0\r\n\r\n',
      400,
    ],
    [
      '100 KB of headers',
      head(['GET /healthz HTTP/1.1', 'Host: x', `X-Big: ${'a'.repeat(100_000)}`]),
      431,
    ],
  ])('%s: answered as problem+json', async (_, bytes, status) => {
    const r = await rawExchange(server.url, [bytes]);
    expect(r.status).toBe(status);
    expect(r.headers).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(r.body)).toMatchObject({ status });
    expect((await server.fetch('/healthz')).status).toBe(200);
  });
});

describe('slow and idle clients are cut off (small configured timeouts)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(
      {
        server: { headers_timeout_ms: 400, request_timeout_ms: 800, keep_alive_timeout_ms: 300 },
        openrouter: { api_key: KEY },
      },
      { memory: true, gateway: new InMemoryGateway() },
    );
  });
  afterAll(() => server.shutdown());

  const trickle = (data: string, everyMs: number) =>
    [...data].map((c) => ({ afterMs: everyMs, data: c }));

  it('a body trickled a byte at a time: 408 problem and closed once request_timeout_ms passes', async () => {
    const body = JSON.stringify(request('slow'));
    const r = await rawExchange(server.url, [
      `POST /api/inference HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      ...trickle(body, 100),
    ]);
    expect(r.status).toBe(408);
    expect(JSON.parse(r.body)).toMatchObject({ code: 'request_timeout' });
    expect(r.closedAfterMs).toBeGreaterThanOrEqual(700);
    expect(r.closedAfterMs).toBeLessThan(body.length * 100);
  });

  it('headers trickled a byte at a time: cut off once headers_timeout_ms passes', async () => {
    const r = await rawExchange(
      server.url,
      trickle('GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: ' + 'p'.repeat(60), 100),
    );
    expect(r.status).toBe(408);
    expect(r.closedAfterMs).toBeGreaterThanOrEqual(350);
    expect(r.closedAfterMs).toBeLessThan(3000);
  });

  it('an idle keep-alive connection is closed after keep_alive_timeout_ms', async () => {
    const r = await rawExchange(server.url, ['GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n']);
    expect(r.status).toBe(200);
    expect(r.closedAfterMs).toBeGreaterThanOrEqual(250);
    expect(r.closedAfterMs).toBeLessThan(3000);
  });
});

describe('well-formed Unicode in and out (PostgreSQL)', () => {
  const gateway = new InMemoryGateway();
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ openrouter: { api_key: KEY } }, { gateway });
  });
  afterAll(() => server.shutdown());

  const records = async () =>
    (
      (await (await server.fetch('/api/inference/calls')).json()) as {
        calls: Array<Record<string, unknown>>;
      }
    ).calls;

  it('a lone surrogate in purpose: 400 naming purpose, nothing sent upstream, no record', async () => {
    const body = '{"level":"turn","purpose":"p\\ud800","input":"hello"}';
    const res = await server.infer(body);
    expect(res.status).toBe(400);
    const p = (await res.json()) as { code: string; detail: string };
    expect(p.code).toBe('invalid_request');
    expect(p.detail).toMatch(/^purpose: /);
    expect(gateway.received).toHaveLength(0);
    expect(await records()).toHaveLength(0);
  });

  it('an upstream answer with a lone surrogate is stored repaired and answered 200', async () => {
    gateway.enqueue({ text: 'half \ud800 pair', upstreamId: 'gen-\udc00' });
    const res = await server.infer(request('surrogate upstream'));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { text: string }).text).toBe('half \ufffd pair');
    const [r] = await records();
    expect(r).toMatchObject({ resultText: 'half \ufffd pair', upstreamId: 'gen-\ufffd' });
  });

  it.each(['0x10', '1e1', ' 5'])('limit=%j: 400 naming limit', async (limit) => {
    const res = await server.fetch(`/api/inference/calls?limit=${encodeURIComponent(limit)}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/^limit: /);
  });
});
