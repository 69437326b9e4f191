import fc from 'fast-check';
import { illFormedPath, isWellFormed, toWellFormed, wellFormedDeep } from './well-formed';
import { decimalInteger } from './decimal';

describe('well-formed Unicode', () => {
  it('tells lone surrogates from pairs', () => {
    expect(isWellFormed('p\ud800')).toBe(false);
    expect(isWellFormed('\udc00x')).toBe(false);
    expect(isWellFormed('\udc00\ud800')).toBe(false);
    expect(isWellFormed('ok 😀 \ud83d\ude00')).toBe(true);
    expect(toWellFormed('a\ud800b\udfff')).toBe('a\ufffdb\ufffd');
  });

  it('names the path of the first ill-formed string, value or key', () => {
    expect(illFormedPath({ level: 'turn', purpose: 'p\ud800' })).toBe('purpose');
    expect(illFormedPath({ messages: [{ content: 'ok' }, { content: '\udc00' }] })).toBe(
      'messages.1.content',
    );
    expect(illFormedPath({ a: { ['k\ud800']: 1 } })).toBe('a.k\ufffd');
    expect(illFormedPath('\ud800')).toBe('');
    expect(illFormedPath({ fine: ['x', 1, null, true] })).toBeUndefined();
    expect(wellFormedDeep(JSON.parse('{"__proto__":"a\\ud800"}'))).toEqual(
      JSON.parse('{"__proto__":"a\\ufffd"}'),
    );
  });

  it('property: wellFormedDeep leaves nothing ill-formed and keeps well-formed values equal', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.string({ unit: 'binary' }), (v, s) => {
        expect(illFormedPath(wellFormedDeep({ v, s }))).toBeUndefined();
        if (illFormedPath(v) === undefined) expect(wellFormedDeep(v)).toEqual(v);
      }),
      { numRuns: 500 },
    );
  });
});

describe('decimalInteger', () => {
  it('takes plain decimal integers only', () => {
    expect(decimalInteger('16')).toBe(16);
    expect(decimalInteger('-3')).toBe(-3);
    for (const s of ['0x10', '1e3', ' 5', '5 ', '+5', '5.0', '', '0b1', 'Infinity', '١٢']) {
      expect(decimalInteger(s)).toBeUndefined();
    }
  });
});
