import { cacheKey, inputHash } from './hashing';

describe('hashing', () => {
  it('inputHash is the SHA-256 hex of the input', () => {
    expect(inputHash('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('cacheKey changes with every part that changes the answer', () => {
    const base = { model: 'm', system: 's', input: 'i', maxOutputTokens: 10, temperature: 0.5 };
    const keys = new Set([
      cacheKey(base),
      cacheKey({ ...base, model: 'm2' }),
      cacheKey({ ...base, system: 's2' }),
      cacheKey({ ...base, system: undefined }),
      cacheKey({ ...base, input: 'i2' }),
      cacheKey({ ...base, maxOutputTokens: 11 }),
      cacheKey({ ...base, maxOutputTokens: undefined }),
      cacheKey({ ...base, temperature: 0 }),
      cacheKey({ ...base, temperature: undefined }),
    ]);
    expect(keys.size).toBe(9);
    expect(cacheKey(base)).toBe(cacheKey({ ...base }));
  });

  it('cannot collide by moving text between system and input', () => {
    expect(cacheKey({ model: 'm', system: 'ab', input: 'c' })).not.toBe(
      cacheKey({ model: 'm', system: 'a', input: 'bc' }),
    );
  });
});
