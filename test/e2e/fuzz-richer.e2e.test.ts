import fc from 'fast-check';
import { InMemoryGateway } from '../../src/adapters/in-memory';
import { request, startTestServer, type TestServer } from './harness';

const ROLES = ['system', 'user', 'assistant', 'tool', 'robot', '', 7];
const name = fc.oneof(fc.constantFrom('f', 'lookup', 'a b', ''), fc.string({ maxLength: 70 }));
const toolCall = fc.record(
  {
    id: fc.oneof(fc.constant('c1'), fc.string({ maxLength: 5 })),
    type: fc.constantFrom('function', 'other'),
    function: fc.record({ name, arguments: fc.oneof(fc.string(), fc.jsonValue()) }),
  },
  { requiredKeys: [] },
);
const message = fc.record(
  {
    role: fc.constantFrom(...ROLES),
    content: fc.oneof(
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.constant(''),
      fc.jsonValue(),
    ),
    toolCallId: fc.oneof(fc.constant('c1'), fc.string({ maxLength: 5 })),
    toolCalls: fc.array(toolCall, { maxLength: 2 }),
    extra: fc.jsonValue(),
  },
  { requiredKeys: ['role'] },
);
/** JSON Schemas, valid and not. */
const schema = fc.oneof(
  fc.constant({ type: 'object', required: ['a'], properties: { a: { type: 'integer' } } }),
  fc.constant({ type: 'nope' }),
  fc.constant({ minimum: 'x' }),
  fc.constant({ $ref: '#/nowhere' }),
  fc.dictionary(fc.constantFrom('type', 'enum', 'items', 'required', 'const'), fc.jsonValue(), {
    maxKeys: 3,
  }),
  // Hostile: nested past the bound, wider than the bound, patterns valid, invalid, catastrophic.
  fc.integer({ min: 60, max: 300 }).map((depth) => {
    let s: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < depth; i++) s = { type: 'array', items: s };
    return s;
  }),
  fc.integer({ min: 9_000, max: 11_000 }).map((n) => ({
    type: 'object',
    properties: Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, {}])),
  })),
  fc.constantFrom('^(([a-z ]*)*)*!$', '^((\\w+)+\\s?)+!$', '(', '[a-', '^a+$').map((pattern) => ({
    type: 'object',
    properties: { a: { type: 'string', pattern } },
    patternProperties: { [pattern]: { type: 'string' } },
  })),
);
const tool = fc.record(
  {
    type: fc.constantFrom('function', 'web'),
    function: fc.record(
      { name, description: fc.string({ maxLength: 20 }), parameters: schema, strict: fc.boolean() },
      { requiredKeys: ['name'] },
    ),
  },
  { requiredKeys: [] },
);
/** Each v2 field with values near and far from valid. */
const FIELDS = {
  messages: fc.oneof(fc.array(message, { maxLength: 4 }), fc.jsonValue()),
  input: fc.oneof(fc.constant(undefined), fc.string({ maxLength: 20 })),
  system: fc.oneof(fc.constant(undefined), fc.string({ maxLength: 20 })),
  model: fc.oneof(fc.constantFrom('anthropic/claude-sonnet-4.5', 'x/y', ''), fc.jsonValue()),
  topP: fc.oneof(fc.double(), fc.constantFrom(0, 1, 0.5, -1)),
  stop: fc.oneof(fc.array(fc.string({ maxLength: 4 }), { maxLength: 6 }), fc.jsonValue()),
  seed: fc.oneof(fc.integer(), fc.double(), fc.constant(2 ** 60)),
  responseFormat: fc.oneof(
    fc.record(
      {
        type: fc.constantFrom('json', 'json_schema', 'xml'),
        name: name,
        schema,
        strict: fc.boolean(),
      },
      { requiredKeys: ['type'] },
    ),
    fc.jsonValue(),
  ),
  tools: fc.oneof(fc.array(tool, { maxLength: 3 }), fc.jsonValue()),
  toolChoice: fc.oneof(
    fc.constantFrom('auto', 'none', 'required', 'sometimes'),
    fc.record({ type: fc.constant('function'), function: fc.record({ name }) }),
    fc.jsonValue(),
  ),
  reasoning: fc.oneof(
    fc.record({ effort: fc.constantFrom('low', 'medium', 'high', 'max') }),
    fc.record({ maxTokens: fc.oneof(fc.integer(), fc.double()) }),
    fc.jsonValue(),
  ),
  stream: fc.oneof(fc.boolean(), fc.jsonValue()),
  temprature: fc.double(),
};

const body = fc
  .record(FIELDS, { requiredKeys: [] })
  .map((fields) => JSON.stringify({ ...request('fuzz'), ...fields }));

// Thousands of real HTTP round trips: well past jest's default 5 s on a shared machine.
jest.setTimeout(300_000);

describe('fuzz: the v2 request fields over HTTP never cause a 5xx', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(
      {
        openrouter: {
          api_key: 'sk-or-fuzz',
          cache: { enabled: false },
          structured_output: { validate_timeout_ms: 300 },
        },
      },
      { gateway: new InMemoryGateway(), memory: true },
    );
  });
  afterAll(() => server.shutdown());

  it('answers 200, a 400 naming a field, or 502 invalid_output', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const res = await server.infer(text);
        const json = (await res.json()) as { code?: string; detail?: string };
        if (res.status === 400) {
          expect(json.code).toBe('invalid_request');
          expect(json.detail).toMatch(/^[A-Za-z_$][\w$]*(\.[\w$]+)*: |^request body/);
        } else if (res.status !== 200) {
          expect({ status: res.status, code: json.code }).toEqual({
            status: 502,
            code: 'invalid_output',
          });
        }
      }),
      { numRuns: 800 },
    );
  });
});
