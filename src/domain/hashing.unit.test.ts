import { cacheKey, inputHash } from './hashing';
import type { InferenceRequest } from './request';

const req = (over: Partial<InferenceRequest> = {}): InferenceRequest =>
  ({ level: 'turn', purpose: 'p', input: 'abc', ...over }) as InferenceRequest;

describe('hashing', () => {
  it('inputHash of a lone prompt is the SHA-256 hex of its text', () => {
    expect(inputHash(req())).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('inputHash: the same conversation hashes equal, written as a prompt or as messages', () => {
    const asPrompt = req({ system: 'be brief', input: 'hi' });
    const asMessages = req({
      input: undefined,
      messages: [
        { content: 'be brief', role: 'system' },
        { role: 'user', content: 'hi' },
      ],
    });
    expect(inputHash(asPrompt)).toBe(inputHash(asMessages));
    expect(inputHash(asPrompt)).not.toBe(inputHash(req({ input: 'hi' })));
    expect(inputHash(asPrompt)).not.toBe(inputHash(req({ system: 'be brief', input: 'hi!' })));
  });

  it('cacheKey: a prompt split differently between system and input is another key', () => {
    expect(cacheKey({ model: 'm', request: req({ system: 'ab', input: 'c' }) })).not.toBe(
      cacheKey({ model: 'm', request: req({ system: 'a', input: 'bc' }) }),
    );
  });

  it('cacheKey: key order inside a field does not matter', () => {
    const a = req({ responseFormat: { type: 'json_schema', schema: { type: 'object', a: 1 } } });
    const b = req({ responseFormat: { schema: { a: 1, type: 'object' }, type: 'json_schema' } });
    expect(cacheKey({ model: 'm', request: a })).toBe(cacheKey({ model: 'm', request: b }));
  });

  it('cacheKey: model and fallbacks are keyed', () => {
    const keys = new Set([
      cacheKey({ model: 'm', request: req() }),
      cacheKey({ model: 'm2', request: req() }),
      cacheKey({ model: 'm', fallbacks: ['f'], request: req() }),
      cacheKey({ model: 'm', fallbacks: ['f', 'g'], request: req() }),
    ]);
    expect(keys.size).toBe(4);
  });
});
