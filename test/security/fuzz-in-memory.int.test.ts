import fc from 'fast-check';
import { InMemoryGateway } from '../../src/adapters/in-memory';
import { EVENT_TYPES } from '../../src/domain';
import { startTestServer, type TestServer } from '../e2e/harness';
import {
  contentType,
  hostileBody,
  method,
  pathSpelling,
  queryString,
  ROUTES,
} from '../support/hostile-arbitraries';
import { capturingLogger } from '../support/raw-http';

const TOKEN = 'fuzz-bearer-token-7c1e0b';
const KEY = 'sk-or-fuzz-key-2d4f6a8c0e1b3d5f';
const auth = { authorization: `Bearer ${TOKEN}` };

/** The path as fetch sends it (dot segments resolved). */
const sentPath = (path: string): string => new URL(`http://x${path}`).pathname;

/** Statuses of requests that never became a call: they must leave no record. */
const NOT_A_CALL = new Set([400, 401, 404, 405, 408, 413, 431]);
const OPEN = new Set(['/healthz', '/readyz', '/dashboard']);
/** The dashboard's files: open, and a name that is none of them is a 404 (it holds no data). */
const DASHBOARD_FILE = /^\/dashboard\/[^/]+$/;

// Thousands of HTTP round trips on a shared machine: well past the usual minute.
jest.setTimeout(300_000);

/**
 * Thousands of hostile requests against the real HTTP stack in this process, over the in-memory
 * call log and gateway (fast): bodies, path spellings and query strings. Properties: no 5xx,
 * every refusal leaves no record and every accepted call exactly one, nothing but the open
 * routes answers without the token, and neither the token nor the key appears in a response
 * or a log line.
 */
describe('fuzz (in-memory): hostile requests', () => {
  const { logger, lines } = capturingLogger();
  const responses: string[] = [];
  let server: TestServer;
  let recorded = 0;

  beforeAll(async () => {
    server = await startTestServer(
      {
        server: { auth_token: TOKEN, max_body_bytes: 65_536 },
        openrouter: { api_key: KEY },
      },
      { memory: true, gateway: new InMemoryGateway(), logger },
    );
    for (const type of EVENT_TYPES) server.service.events.on(type, () => recorded++);
  });
  afterAll(() => server.shutdown());

  /** Sends, keeps the whole response as text for the secret check, and checks the invariants. */
  const send = async (path: string, init: RequestInit) => {
    const before = recorded;
    const res = await server.fetch(path, init);
    const body = await res.text();
    responses.push(`${res.status} ${JSON.stringify([...res.headers])} ${body}`);
    expect(res.status).toBeLessThan(500);
    if (NOT_A_CALL.has(res.status)) expect(recorded).toBe(before);
    if (res.status >= 400 && init.method !== 'HEAD' && sentPath(path).startsWith('/v1/')) {
      // The OpenAI-compatible routes answer every error in OpenAI's shape, 404 and 405 included.
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(JSON.parse(body)).toHaveProperty('error.message');
    } else if (
      res.status >= 400 &&
      res.status !== 404 &&
      res.status !== 405 &&
      init.method !== 'HEAD'
    ) {
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    return { status: res.status, body, callsRecorded: recorded - before };
  };

  it('POST /api/inference: 2000 hostile bodies, no 5xx, a record only for accepted calls', async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(hostileBody, contentType, async (body, type) => {
        const r = await send('/api/inference', {
          method: 'POST',
          headers: { ...auth, ...(type === undefined ? {} : { 'content-type': type }) },
          body,
        });
        seen.set(r.status, (seen.get(r.status) ?? 0) + 1);
        expect([200, 400, 413, 429]).toContain(r.status);
        if (r.status === 200 || r.status === 429) expect(r.callsRecorded).toBe(1);
      }),
      { numRuns: 2000 },
    );
    expect(seen.get(200)).toBeGreaterThan(0);
    expect(seen.get(400)).toBeGreaterThan(0);
  });

  it('1000 path spellings and methods without the token: 401 unless an exact open route', async () => {
    await fc.assert(
      fc.asyncProperty(pathSpelling, method, async (path, m) => {
        const r = await send(path, { method: m });
        // An open route with another method is still that route: 405 says only that. fetch
        // resolves dot segments before sending, so judge the path as sent.
        if (OPEN.has(sentPath(path))) expect([200, 405]).toContain(r.status);
        else if (DASHBOARD_FILE.test(sentPath(path))) expect([200, 404, 405]).toContain(r.status);
        else expect(r.status).toBe(401);
      }),
      { numRuns: 1000 },
    );
  });

  it('1000 path spellings and methods with the token: no 5xx, no call from a wrong spelling', async () => {
    await fc.assert(
      fc.asyncProperty(pathSpelling, method, async (path, m) => {
        const exact = ROUTES.some(([rm, rp]) => rp === sentPath(path) && rm === m);
        const r = await send(path, { method: m, headers: auth });
        if (!exact) expect(r.callsRecorded).toBe(0);
      }),
      { numRuns: 1000 },
    );
  });

  it('1000 query strings on every GET route: no 5xx, a 400 names the parameter', async () => {
    const gets = ROUTES.filter(([m]) => m === 'GET').map(([, p]) => p);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...gets), queryString, async (path, qs) => {
        const r = await send(`${path}?${qs}`, { headers: auth });
        if (r.status === 400) {
          expect((JSON.parse(r.body) as { detail: string }).detail).toMatch(/^[A-Za-z_]+: /);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('still answers, and the token and key are in no response and no log line', async () => {
    expect((await server.fetch('/healthz')).status).toBe(200);
    expect(responses.length).toBeGreaterThanOrEqual(5000);
    expect(lines.length).toBeGreaterThan(1000);
    for (const text of [...responses, ...lines]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(KEY);
    }
  });
});
