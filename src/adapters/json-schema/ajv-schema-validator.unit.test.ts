import { AjvSchemaValidator } from './ajv-schema-validator';

const SCHEMA = {
  type: 'object',
  properties: {
    p: { type: 'integer', maximum: 5 },
    tags: { type: 'array', items: { type: 'string' } },
  },
  required: ['p'],
};

describe('AjvSchemaValidator (JSON Schema 2020-12)', () => {
  it('names the first violation by JSON pointer', () => {
    const v = new AjvSchemaValidator().compile(SCHEMA)._unsafeUnwrap();
    expect(v({ p: 3 })).toBeUndefined();
    expect(v({ p: 9 })).toBe('/p: must be <= 5');
    expect(v({ p: 1, tags: ['a', 2] })).toBe('/tags/1: must be string');
    expect(v({})).toBe("(root): must have required property 'p'");
  });

  it('speaks draft 2020-12 (prefixItems)', () => {
    const v = new AjvSchemaValidator()
      .compile({ type: 'array', prefixItems: [{ type: 'integer' }], items: false })
      ._unsafeUnwrap();
    expect(v([1])).toBeUndefined();
    expect(v([1, 2])).toMatch(/^\(root\): /);
  });

  it('speaks draft-07 and 2019-09 when the schema says so in $schema', () => {
    const s = new AjvSchemaValidator();
    // draft-07: `items` as an array is the tuple form, `additionalItems` closes it.
    const d7 = s
      .compile({
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'array',
        items: [{ type: 'integer' }],
        additionalItems: false,
      })
      ._unsafeUnwrap();
    expect(d7([1])).toBeUndefined();
    expect(d7([1, 2])).toMatch(/^\(root\): /);
    expect(d7(['x'])).toBe('/0: must be integer');
    const d2019 = s
      .compile({
        $schema: 'https://json-schema.org/draft/2019-09/schema',
        type: 'object',
        properties: { a: { type: 'string' } },
        unevaluatedProperties: false,
      })
      ._unsafeUnwrap();
    expect(d2019({ a: 'x' })).toBeUndefined();
    expect(d2019({ a: 'x', b: 1 })).toMatch(/^\(root\): /);
  });

  it('compiles each schema once, whatever its key order, and refuses an invalid one', () => {
    const s = new AjvSchemaValidator();
    const a = s.compile(SCHEMA)._unsafeUnwrap();
    const b = s.compile({ required: ['p'], properties: SCHEMA.properties, type: 'object' });
    expect(b._unsafeUnwrap()).toBe(a);
    expect(s.compile({ type: 'nope' })._unsafeUnwrapErr()).toMatch(/schema is invalid/);
  });

  it('takes two different schemas with the same $id (one caller must not block another)', () => {
    const s = new AjvSchemaValidator();
    const a = s.compile({ $id: 'https://example.com/s', type: 'string' })._unsafeUnwrap();
    const b = s.compile({ $id: 'https://example.com/s', type: 'integer' })._unsafeUnwrap();
    expect([a('s'), b(1)]).toEqual([undefined, undefined]);
    expect(b('s')).toBe('(root): must be integer');
    const nested = (type: string) => ({
      type: 'object',
      properties: { x: { $id: 'https://example.com/inner', type } },
    });
    const c = s.compile(nested('string'))._unsafeUnwrap();
    const d = s.compile(nested('integer'))._unsafeUnwrap();
    expect([c({ x: 's' }), d({ x: 1 }), d({ x: 's' })]).toEqual([
      undefined,
      undefined,
      '/x: must be integer',
    ]);
  });

  it('keeps a bounded number of schemas, the least recently used leaving first', () => {
    const s = new AjvSchemaValidator(2);
    const one = s.compile({ minimum: 1 })._unsafeUnwrap();
    s.compile({ minimum: 2 });
    s.compile({ minimum: 1 });
    s.compile({ minimum: 3 });
    expect(s.compile({ minimum: 1 })._unsafeUnwrap()).toBe(one);
    expect(s.compile({ minimum: 1 })._unsafeUnwrap()(0)).toBe('(root): must be >= 1');
  });
});
