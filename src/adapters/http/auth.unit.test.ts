import { authFailure, bearerToken, isProtectedPath, secretsEqual } from './auth';

describe('bearer auth', () => {
  const token = 's3cret-token';

  it('lets everything through when no token is configured', () => {
    expect(authFailure('/api/inference', undefined, '')).toBeNull();
  });

  it('protects /api/* and /v1/*, not /healthz, /readyz or /metrics', () => {
    for (const p of ['/api', '/api/inference', '/api/openapi.json', '/v1', '/v1/chat']) {
      expect(isProtectedPath(p)).toBe(true);
      expect(authFailure(p, undefined, token)).toMatch(/required/);
    }
    for (const p of ['/healthz', '/readyz', '/metrics', '/apix', '/v10']) {
      expect(isProtectedPath(p)).toBe(false);
      expect(authFailure(p, undefined, token)).toBeNull();
    }
  });

  it('accepts the right token and refuses a wrong, a prefix, a longer one and other schemes', () => {
    expect(authFailure('/api/x', `Bearer ${token}`, token)).toBeNull();
    expect(authFailure('/api/x', `bearer ${token}`, token)).toBeNull();
    expect(authFailure('/api/x', 'Bearer wrong', token)).toMatch(/not valid/);
    expect(authFailure('/api/x', `Bearer ${token.slice(0, -1)}`, token)).toMatch(/not valid/);
    expect(authFailure('/api/x', `Bearer ${token}x`, token)).toMatch(/not valid/);
    expect(authFailure('/api/x', `Basic ${token}`, token)).toMatch(/required/);
    expect(authFailure('/api/x', 'Bearer ', token)).toMatch(/required/);
  });

  it('never puts either token in the refusal', () => {
    const why = authFailure('/api/x', 'Bearer guess-123', token) ?? '';
    expect(why).not.toContain('guess-123');
    expect(why).not.toContain(token);
  });

  it('parses the bearer header', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('Bearer  abc ')).toBe('abc');
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it('compares secrets of different lengths without throwing', () => {
    expect(secretsEqual('a', 'a')).toBe(true);
    expect(secretsEqual('a', 'ab')).toBe(false);
    expect(secretsEqual('', 'ab')).toBe(false);
  });
});
