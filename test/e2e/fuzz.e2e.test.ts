import fc from 'fast-check';
import { InMemoryGateway } from '../../src/adapters/in-memory';
import { EVENT_TYPES } from '../../src/domain';
import {
  contentType,
  hostileBody,
  method,
  pathSpelling,
  queryString,
  ROUTES,
} from '../support/hostile-arbitraries';
import { capturingLogger } from '../support/raw-http';
import { startTestServer, type TestServer } from './harness';

const TOKEN = 'e2e-fuzz-token-4b9d2f';
const KEY = 'sk-or-e2e-fuzz-8a6c4e2f0d1b';
const auth = { authorization: `Bearer ${TOKEN}` };

// Hundreds of real HTTP round trips into PostgreSQL: well past the usual minute when loaded.
jest.setTimeout(300_000);

/**
 * The smaller fuzz against the started service over PostgreSQL (the bigger one runs in memory:
 * test/security/fuzz-in-memory.int.test.ts): no 5xx, a record for every accepted call and none
 * for a refusal, and neither the token nor the key in any response or log line.
 */
describe('fuzz (started service, PostgreSQL)', () => {
  const { logger, lines } = capturingLogger();
  const responses: string[] = [];
  let server: TestServer;
  let recorded = 0;
  beforeAll(async () => {
    server = await startTestServer(
      {
        openrouter: { api_key: KEY },
        server: { auth_token: TOKEN, max_body_bytes: 65_536 },
      },
      { gateway: new InMemoryGateway(), logger },
    );
    for (const type of EVENT_TYPES) server.service.events.on(type, () => recorded++);
  });
  afterAll(() => server.shutdown());

  const send = async (path: string, init: RequestInit) => {
    const res = await server.fetch(path, init);
    const body = await res.text();
    responses.push(`${res.status} ${JSON.stringify([...res.headers])} ${body}`);
    expect(res.status).toBeLessThan(500);
    return res.status;
  };

  it('POST /api/inference: 600 hostile bodies, zero 5xx, one record per accepted call', async () => {
    const seen = new Map<number, number>();
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(hostileBody, contentType, async (body, type) => {
        const status = await send('/api/inference', {
          method: 'POST',
          headers: { ...auth, ...(type === undefined ? {} : { 'content-type': type }) },
          body,
        });
        seen.set(status, (seen.get(status) ?? 0) + 1);
        // 429: a huge maxOutputTokens reserves the whole token budget; that is an answer too.
        expect([200, 400, 413, 429]).toContain(status);
        if (status === 200 || status === 429) accepted++;
      }),
      { numRuns: 600 },
    );
    expect(seen.get(200)).toBeGreaterThan(0);
    expect(seen.get(400)).toBeGreaterThan(0);
    expect(recorded).toBe(accepted);
    const listed = await server.service.usage();
    expect(listed._unsafeUnwrap().totalCalls).toBe(accepted);
  });

  it('300 path spellings without the token and 300 query strings with it: zero 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(pathSpelling, method, async (path, m) => {
        const status = await send(path, { method: m });
        // The dashboard's files are open: a name that is none of them is a 404 (it holds no data).
        const sent = new URL(`http://x${path}`).pathname;
        const dashboardFile = /^\/dashboard\/[^/]+$/.test(sent);
        expect(dashboardFile ? [200, 404, 405] : [200, 401, 405]).toContain(status);
      }),
      { numRuns: 300 },
    );
    const gets = ROUTES.filter(([m]) => m === 'GET').map(([, p]) => p);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...gets), queryString, async (path, qs) => {
        await send(`${path}?${qs}`, { headers: auth });
      }),
      { numRuns: 300 },
    );
  });

  it('still answers; the token and the key are in no response and no log line', async () => {
    expect((await server.fetch('/readyz')).status).toBe(200);
    expect(lines.length).toBeGreaterThan(100);
    for (const text of [...responses, ...lines]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(KEY);
    }
  });
});
