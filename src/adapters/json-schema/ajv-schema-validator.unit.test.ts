import type { SchemaValidator, ValidateJson } from '../../ports';
import { AjvSchemaValidator } from './ajv-schema-validator';
import { WorkerSchemaValidator } from './worker-schema-validator';

const SCHEMA = {
  type: 'object',
  properties: {
    p: { type: 'integer', maximum: 5 },
    tags: { type: 'array', items: { type: 'string' } },
  },
  required: ['p'],
};

const workers: WorkerSchemaValidator[] = [];
afterAll(() => Promise.all(workers.map((w) => w.close())));

const ADAPTERS: Array<[string, () => SchemaValidator]> = [
  ['AjvSchemaValidator', () => new AjvSchemaValidator()],
  [
    'WorkerSchemaValidator',
    () => {
      const w = new WorkerSchemaValidator({ deadlineMs: 5_000, workers: 1 });
      workers.push(w);
      return w;
    },
  ],
];

const compiled = async (s: SchemaValidator, schema: Record<string, unknown>) =>
  (await s.compile(schema))._unsafeUnwrap();
const check = (v: ValidateJson, value: unknown) => v(JSON.stringify(value));

describe.each(ADAPTERS)('%s (the SchemaValidator contract)', (_, make) => {
  const s = make();

  it('names the first violation by JSON pointer', async () => {
    const v = await compiled(s, SCHEMA);
    expect(await check(v, { p: 3 })).toBeUndefined();
    expect(await check(v, { p: 9 })).toBe('/p: must be <= 5');
    expect(await check(v, { p: 1, tags: ['a', 2] })).toBe('/tags/1: must be string');
    expect(await check(v, {})).toBe("(root): must have required property 'p'");
  });

  it('speaks draft 2020-12 (prefixItems), and draft-07 and 2019-09 when $schema says so', async () => {
    const v = await compiled(s, {
      type: 'array',
      prefixItems: [{ type: 'integer' }],
      items: false,
    });
    expect(await check(v, [1])).toBeUndefined();
    expect(await check(v, [1, 2])).toMatch(/^\(root\): /);
    const d7 = await compiled(s, {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'array',
      items: [{ type: 'integer' }],
      additionalItems: false,
    });
    expect(await check(d7, [1])).toBeUndefined();
    expect(await check(d7, ['x'])).toBe('/0: must be integer');
    const d2019 = await compiled(s, {
      $schema: 'https://json-schema.org/draft/2019-09/schema',
      type: 'object',
      properties: { a: { type: 'string' } },
      unevaluatedProperties: false,
    });
    expect(await check(d2019, { a: 'x', b: 1 })).toMatch(/^\(root\): /);
  });

  it('refuses an invalid schema naming the keyword, and never quotes an engine message', async () => {
    expect((await s.compile({ type: 'nope' }))._unsafeUnwrapErr()).toMatch(/schema is invalid/);
    expect((await s.compile({ pattern: '(' }))._unsafeUnwrapErr()).toBe(
      'a pattern is not a valid regular expression',
    );
  });

  it('takes two different schemas with the same $id (one caller must not block another)', async () => {
    const a = await compiled(s, { $id: 'https://example.com/s', type: 'string' });
    const b = await compiled(s, { $id: 'https://example.com/s', type: 'integer' });
    expect([await check(a, 's'), await check(b, 1)]).toEqual([undefined, undefined]);
    expect(await check(b, 's')).toBe('(root): must be integer');
  });
});

describe('WorkerSchemaValidator deadlines', () => {
  const s = new WorkerSchemaValidator({ deadlineMs: 300, workers: 1 });
  workers.push(s);

  it('gives up on a catastrophic pattern within the deadline, and the next check still works', async () => {
    const v = await compiled(s, { type: 'string', pattern: '^(([a-z ]*)*)*!$' });
    const started = performance.now();
    expect(await check(v, 'a'.repeat(40))).toBe(
      '(root): not checked: validating it took longer than 300 ms',
    );
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(await check(v, 'abc!')).toBeUndefined();
  });

  it('keeps failed compiles: the same invalid schema is refused without a worker', async () => {
    const first = await s.compile({ type: 'nope', x: 1 });
    const again = s.compile({ x: 1, type: 'nope' });
    expect(await again).toBe(first);
  });
});
