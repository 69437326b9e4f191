import { bindingRefusal, isLoopbackHost } from './host';
import { requestIdOf } from './request-id';

describe('binding refusal', () => {
  it('knows loopback hosts', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) {
      expect(isLoopbackHost(h)).toBe(true);
    }
    for (const h of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.5', 'example.com', '128.0.0.1']) {
      expect(isLoopbackHost(h)).toBe(false);
    }
  });

  it('refuses a non-loopback host without a token, saying how to fix it', () => {
    expect(bindingRefusal('0.0.0.0', '')).toMatch(
      /refusing to listen on 0\.0\.0\.0 without an auth token.*INFERENCE_API_TOKEN/,
    );
    expect(bindingRefusal('0.0.0.0', 'tok')).toBeNull();
    expect(bindingRefusal('127.0.0.1', '')).toBeNull();
  });
});

describe('request ids', () => {
  it('keeps a sane caller id and replaces anything else', () => {
    expect(requestIdOf('abc-123')).toBe('abc-123');
    const uuid = /^[0-9a-f-]{36}$/;
    expect(requestIdOf(undefined)).toMatch(uuid);
    expect(requestIdOf('')).toMatch(uuid);
    expect(requestIdOf('has space')).toMatch(uuid);
    expect(requestIdOf('x'.repeat(129))).toMatch(uuid);
    expect(requestIdOf('line\nbreak')).toMatch(uuid);
    expect(requestIdOf(['a', 'b'])).toMatch(uuid);
  });
});
