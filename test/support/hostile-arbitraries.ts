import fc from 'fast-check';

/** One UTF-16 unit or code point: mostly any code point, sometimes half a surrogate pair. */
const hostileChar = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)) },
  { weight: 8, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);

/** Strings with lone surrogates, control characters and any code point. */
export const hostileString = (maxLength = 60) => fc.string({ unit: hostileChar, maxLength });

const LEVELS = ['turn', 'task', 'project', 'objective'] as const;

/** Every field a request may have, the prototype keys, and a few that are not fields. */
export const REQUEST_FIELDS = [
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
  'prototype',
  'toString',
  'hasOwnProperty',
] as const;

/** Any value a field could be given: JSON of every shape, awkward numbers and hostile strings. */
export const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(...LEVELS),
  fc.double(),
  fc.integer(),
  fc.constantFrom(1e308, -0, 2.0000001, 9007199254740993, 0.5, -1, 0),
  hostileString(120),
  fc.boolean(),
  fc.integer({ min: 1, max: 4096 }),
);

/** A valid request for the in-memory gateway. */
export const validRequest = (input = 'fuzz') => ({ level: 'turn', purpose: 'fuzz', input });

/** JSON text for a body; `JSON.stringify` escapes lone surrogates as `\udXXX`, as clients do. */
const text = (v: unknown): string => JSON.stringify(v) ?? 'null';

/** A valid request with up to three fields replaced or added. */
const nearValid = fc
  .dictionary(fc.constantFrom(...REQUEST_FIELDS), anyValue, { maxKeys: 3 })
  .map((fields) => text({ ...validRequest(), ...fields }));

/** The same key twice: JSON.parse keeps the last, so the first must not matter. */
const duplicateKeys = fc
  .tuple(fc.constantFrom(...REQUEST_FIELDS), anyValue, anyValue)
  .map(([k, a, b]) => {
    const base = text(validRequest()).slice(0, -1);
    return `${base},${text(k)}:${text(a)},${text(k)}:${text(b)}}`;
  });

/** Deep nesting of arrays or objects, up to 20,000 levels. */
const deep = fc
  .tuple(fc.nat({ max: 20_000 }), fc.boolean())
  .map(([d, arrays]) =>
    arrays ? '['.repeat(d) + ']'.repeat(d) : '{"a":'.repeat(d) + '1' + '}'.repeat(d),
  );

/** Every kind of body: near-valid requests, any JSON, non-JSON text, bytes that are not UTF-8. */
export const hostileBody: fc.Arbitrary<string | Buffer> = fc.oneof(
  { weight: 5, arbitrary: nearValid },
  { weight: 1, arbitrary: duplicateKeys },
  { weight: 2, arbitrary: fc.jsonValue().map(text) },
  { weight: 1, arbitrary: hostileString(200) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)) },
  { weight: 1, arbitrary: deep },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('input', 'purpose', 'system'), fc.nat({ max: 300_000 }))
      .map(([k, n]) => text({ ...validRequest(), [k]: 'x'.repeat(n) })),
  },
);

/** Content types, sensible and not. */
export const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/vnd.api+json',
  'text/plain',
  'multipart/form-data; boundary=x',
  undefined,
);

/** The service's routes as registered, with their method. */
export const ROUTES: ReadonlyArray<readonly [string, string]> = [
  ['POST', '/api/inference'],
  ['GET', '/api/inference/status'],
  ['GET', '/api/inference/usage'],
  ['GET', '/api/inference/usage/series'],
  ['GET', '/api/inference/calls'],
  ['GET', '/api/openapi.json'],
  ['GET', '/metrics'],
  ['GET', '/healthz'],
  ['GET', '/readyz'],
  ['GET', '/v1/models'],
  ['POST', '/v1/chat/completions'],
  ['GET', '/dashboard'],
  ['GET', '/dashboard/main.js'],
];

/** A path spelled another way: case, slashes, percent-encoding, dot segments, suffixes. */
export const pathSpelling = fc
  .tuple(
    fc.constantFrom(...ROUTES.map(([, p]) => p)),
    fc.array(
      fc.constantFrom(
        'upper',
        'lower-one',
        'upper-one',
        'trailing-slash',
        'double-slash',
        'percent',
        'dot',
        'dotdot',
        'suffix',
        'semicolon',
        'none',
      ),
      { maxLength: 3 },
    ),
    fc.nat(),
  )
  .map(([path, ops, seed]) => {
    let p = path;
    for (const op of ops) {
      const i = 1 + (seed % Math.max(1, p.length - 1));
      if (op === 'upper') p = p.toUpperCase();
      else if (op === 'upper-one') p = p.slice(0, i) + p.charAt(i).toUpperCase() + p.slice(i + 1);
      else if (op === 'lower-one') p = p.slice(0, i) + p.charAt(i).toLowerCase() + p.slice(i + 1);
      else if (op === 'trailing-slash') p = `${p}/`;
      else if (op === 'double-slash') p = p.replace('/', '//');
      else if (op === 'percent') {
        const c = p.charAt(i);
        if (/[a-z]/i.test(c))
          p = p.slice(0, i) + `%${c.charCodeAt(0).toString(16)}` + p.slice(i + 1);
      } else if (op === 'dot') p = p.replace(/\/([^/]*)$/, '/./$1');
      else if (op === 'dotdot') p = `/x/..${p}`;
      else if (op === 'suffix') p = `${p}.json`;
      else if (op === 'semicolon') p = `${p};a=b`;
    }
    return p;
  });

/** Any HTTP method a client may send. */
export const method = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH');

/** Query strings: known and unknown names, repeats, hostile values, raw percent garbage. */
export const queryString = fc
  .array(
    fc.tuple(
      fc.constantFrom(
        'since',
        'until',
        'level',
        'projectId',
        'limit',
        'before',
        'status',
        'grain',
        'groupBy',
        'x',
        '__proto__',
      ),
      fc.oneof(
        hostileString(40),
        fc.constantFrom(
          '0x10',
          '1e3',
          ' 5',
          '-1',
          '0',
          '501',
          '2026-01-01',
          'turn',
          '%',
          '%ZZ',
          '%ED%A0%80',
          '%00',
        ),
        fc.integer().map(String),
      ),
      fc.boolean(),
    ),
    { maxLength: 4 },
  )
  .map((pairs) =>
    pairs
      .map(
        ([k, v, raw]) =>
          `${encodeURIComponent(k)}=${raw ? v.replace(/[#&\s]/g, '') : encodeURIComponent(v.replace(/[\ud800-\udfff]/g, '\ufffd'))}`,
      )
      .join('&'),
  );
