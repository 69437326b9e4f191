import { InMemoryGateway } from '../../src/adapters/in-memory';
import { capturingLogger } from '../support/raw-http';
import { waitFor } from '../support/wait-for';
import { request, startTestServer, type TestServer } from './harness';

const TOKEN = 'schema-bearer-token-7c1e4a2b';
const auth = { authorization: `Bearer ${TOKEN}` };
const TIMEOUT_MS = 500;
/** A pattern that backtracks for seconds on a few dozen letters without the final `!`. */
const CATASTROPHIC = '^(([a-z ]*)*)*!$';

/** A schema nested `depth` arrays deep, as JSON text (JSON.stringify itself would overflow). */
const nested = (depth: number): string =>
  '{"type":"array","items":'.repeat(depth) + '{"type":"string"}' + '}'.repeat(depth);
const manyProperties = (n: number): string =>
  JSON.stringify({
    type: 'object',
    properties: Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, {}])),
  });
/** A request body as text, with `field` set to `schemaText` (raw JSON). */
const withSchema = (field: string, schemaText: string): string => {
  const head = JSON.stringify(request('big')).slice(0, -1);
  return field === 'responseFormat.schema'
    ? `${head},"responseFormat":{"type":"json_schema","schema":${schemaText}}}`
    : `${head},"tools":[{"type":"function","function":{"name":"f","parameters":${schemaText}}}]}`;
};

const timed = async (f: () => Promise<Response>) => {
  const started = performance.now();
  const res = await f();
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - started };
};

describe('hostile schemas and requests cannot stall the service (HTTP)', () => {
  const gateway = new InMemoryGateway();
  const { logger, lines } = capturingLogger();
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(
      {
        server: { auth_token: TOKEN },
        openrouter: {
          api_key: 'sk-or-schema-key-1234567890abcdef',
          structured_output: { repair_attempts: 0, validate_timeout_ms: TIMEOUT_MS },
          rate_limits: { tokens_per_minute: 200_000 },
        },
      },
      { memory: true, gateway, logger },
    );
  });
  afterAll(() => server.shutdown());

  const infer = (body: unknown, headers: Record<string, string> = {}) =>
    server.infer(body, { ...auth, ...headers });
  const problemOf = async (res: Response) => (await res.json()) as { code: string; detail: string };
  /** A /v1 chat completion of one user message "x" with `extra` parameters. */
  const chat = (extra: Record<string, unknown>) =>
    server.fetch('/v1/chat/completions', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'turn', messages: [{ role: 'user', content: 'x' }], ...extra }),
    });

  it("a reply that makes the schema's pattern backtrack: 502 within the deadline, other calls unmoved", async () => {
    gateway.enqueue({ text: JSON.stringify({ a: 'a'.repeat(40) }) });
    const schema = { type: 'object', properties: { a: { type: 'string', pattern: CATASTROPHIC } } };
    const started = performance.now();
    const bad = infer(request('redos', { responseFormat: { type: 'json_schema', schema } }));
    await waitFor(async () => (gateway.received.length === 1 ? true : undefined), 10_000, {
      everyMs: 5,
    });
    // While its reply is being checked: a probe and a plain call answer at once.
    const health = await timed(() => server.fetch('/healthz'));
    const plain = await timed(() => infer(request('plain')));
    const res = await bad;
    const elapsed = performance.now() - started;
    expect(health).toMatchObject({ status: 200 });
    expect(plain).toMatchObject({ status: 200 });
    expect(health.ms).toBeLessThan(1_000);
    expect(plain.ms).toBeLessThan(1_000);
    expect(res.status).toBe(502);
    const p = await problemOf(res);
    expect(p.code).toBe('invalid_output');
    expect(p.detail).toMatch(/took longer than 500 ms/);
    // The deadline, plus a worker's start from sources, plus slack for a shared machine.
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 4_000);
  });

  it.each(['responseFormat.schema', 'tools.0.function.parameters'])(
    '%s nested 5,000 deep or with 10,000 properties: 400 naming it, every time, at once',
    async (field) => {
      for (const schema of [nested(5_000), manyProperties(10_000), nested(5_000)]) {
        const t = await timed(() => infer(withSchema(field, schema)));
        expect(t.status).toBe(400);
        expect(t.ms).toBeLessThan(1_000);
      }
      const deep = await problemOf(await infer(withSchema(field, nested(5_000))));
      expect(deep.detail).toBe(`${field}: nests deeper than 64 levels`);
      const wide = await problemOf(await infer(withSchema(field, manyProperties(10_000))));
      expect(wide.detail.startsWith(`${field}: holds more than 10000 values`)).toBe(true);
    },
  );

  it('/v1 response_format and tools nested 5,000 deep: 400 naming the OpenAI parameter', async () => {
    const v1 = (extra: string) =>
      server.fetch('/v1/chat/completions', {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: `{"model":"turn","messages":[{"role":"user","content":"x"}],${extra}}`,
      });
    const deep = nested(5_000);
    const rf = await v1(
      `"response_format":{"type":"json_schema","json_schema":{"schema":${deep}}}`,
    );
    expect(rf.status).toBe(400);
    const rfError = ((await rf.json()) as { error: { param: string; message: string } }).error;
    expect(rfError.param).toMatch(/^response_format/);
    expect(rfError.message).toMatch(/nests deeper than 64 levels/);
    const tools = await v1(
      `"tools":[{"type":"function","function":{"name":"f","parameters":${deep}}}]`,
    );
    expect(tools.status).toBe(400);
    expect(((await tools.json()) as { error: { param: string } }).error.param).toMatch(/^tools/);
  });

  it('a call that can never fit tokens_per_minute: 400 naming the limit; /v1 says not to retry', async () => {
    const res = await infer(request('huge', { maxOutputTokens: 300_000 }));
    expect(res.status).toBe(400);
    expect(res.headers.get('retry-after')).toBeNull();
    expect((await problemOf(res)).detail).toMatch(
      /^maxOutputTokens: .*tokens_per_minute \(200000\)/,
    );
    const v1 = await chat({ max_tokens: 300_000 });
    expect(v1.status).toBe(400);
    expect(v1.headers.get('x-should-retry')).toBe('false');
  });

  it('the token put elsewhere (path, X-Request-Id, a field name) is in no log line, detail or header', async () => {
    const inPath = await server.fetch(`/api/${TOKEN}`, { headers: auth });
    expect(inPath.status).toBe(404);
    expect(await inPath.text()).not.toContain(TOKEN);
    const asId = await infer(request('id'), { 'x-request-id': TOKEN });
    expect(asId.headers.get('x-request-id')).not.toContain(TOKEN);
    const asField = await infer({ ...request('field'), [TOKEN]: 1 });
    expect(asField.status).toBe(400);
    expect(await asField.text()).not.toContain(TOKEN);
    await server.fetch('/healthz'); // the lines of those requests are written by now
    const log = lines.join('');
    expect(log).toContain('[redacted]');
    expect(log).not.toContain(TOKEN);
  });

  it('a charset other than utf-8: 415; /v1 stream_options not an object: 400', async () => {
    const body = JSON.stringify(request('charset'));
    for (const [type, status] of [
      ['application/json; charset=utf-16', 415],
      ['application/json; charset="ISO-8859-1"', 415],
      ['application/json; charset=UTF-8', 200],
    ] as const) {
      const res = await server.fetch('/api/inference', {
        method: 'POST',
        headers: { ...auth, 'content-type': type },
        body,
      });
      expect({ type, status: res.status }).toEqual({ type, status });
    }
    const v1 = await chat({ stream: true, stream_options: 'yes' });
    expect(v1.status).toBe(400);
    expect(((await v1.json()) as { error: { param: string } }).error.param).toBe('stream_options');
  });
});
