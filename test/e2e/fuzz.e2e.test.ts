import fc from 'fast-check';
import { InMemoryGateway } from '../../src/adapters/in-memory';
import { request, startTestServer, type TestServer } from './harness';

const LEVELS = ['turn', 'task', 'project', 'objective'];
const FIELDS = [
  'level',
  'purpose',
  'input',
  'system',
  'maxOutputTokens',
  'temperature',
  'projectId',
  'agentId',
  'commandId',
  'turnId',
  'cache',
  '__proto__',
  'constructor',
];

/** Any JSON value, with the awkward numbers and strings JSON allows. */
const anyValue = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(...LEVELS),
  fc.double(),
  fc.integer(),
  fc.constantFrom(1e308, -0, 2.0000001, 9007199254740993, 0.5),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.boolean(),
  fc.integer({ min: 1, max: 4096 }),
);

/** Near-valid requests: a valid one with up to three fields replaced or added. */
const nearValid = fc
  .dictionary(fc.constantFrom(...FIELDS), anyValue, { maxKeys: 3 })
  .map((fields) => JSON.stringify({ ...request('fuzz'), ...fields }));

/** Bodies that are not JSON objects at all, or not JSON, or not UTF-8. */
const bodies = fc.oneof(
  { weight: 4, arbitrary: nearValid },
  { weight: 2, arbitrary: fc.json() },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)) },
  {
    weight: 1,
    arbitrary: fc.nat({ max: 20_000 }).map((d) => '['.repeat(d) + ']'.repeat(d)),
  },
);

const contentTypes = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/vnd.api+json',
  'text/plain',
  'multipart/form-data; boundary=x',
  undefined,
);

// Thousands of real HTTP round trips: well past jest's default 5 s on a shared machine.
jest.setTimeout(180_000);

describe('fuzz: no request produces a 5xx', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(
      { openrouter: { api_key: 'sk-or-e2e-key' }, server: { max_body_bytes: 65_536 } },
      { gateway: new InMemoryGateway() },
    );
  });
  afterAll(() => server.shutdown());

  it('POST /api/inference: 3000 random bodies and content types, zero 5xx', async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(bodies, contentTypes, async (body, type) => {
        const res = await server.fetch('/api/inference', {
          method: 'POST',
          headers: type === undefined ? {} : { 'content-type': type },
          body,
        });
        await res.arrayBuffer();
        seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
        // 429: a huge maxOutputTokens reserves the whole token budget; that is an answer too.
        expect([200, 400, 413, 429]).toContain(res.status);
      }),
      { numRuns: 3000 },
    );
    // The fuzz reached both sides of validation.
    expect(seen.get(200)).toBeGreaterThan(0);
    expect(seen.get(400)).toBeGreaterThan(0);
  });

  it('GET usage and calls: 1000 random query strings, zero 5xx', async () => {
    const param = fc.constantFrom(
      'since',
      'until',
      'level',
      'projectId',
      'limit',
      'before',
      'status',
    );
    const query = fc.array(fc.tuple(param, fc.string({ unit: 'binary', maxLength: 40 })), {
      maxLength: 4,
    });
    await fc.assert(
      fc.asyncProperty(fc.boolean(), query, async (usage, pairs) => {
        const qs = new URLSearchParams(pairs).toString();
        const path = usage ? '/api/inference/usage' : '/api/inference/calls';
        const res = await server.fetch(`${path}?${qs}`);
        await res.arrayBuffer();
        expect([200, 400]).toContain(res.status);
      }),
      { numRuns: 1000 },
    );
  });
});
