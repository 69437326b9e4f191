import { authFailure, bearerToken, isOpenRoute, OPEN_ROUTES, secretsEqual } from './auth';

describe('bearer auth', () => {
  const token = 's3cret-token';

  it('lets everything through when no token is configured', () => {
    expect(authFailure(false, undefined, '')).toBeNull();
  });

  it('opens only the listed route patterns; everything else needs the token', () => {
    for (const p of [
      '/healthz',
      '/readyz',
      '/dashboard',
      '/dashboard/{*path}',
      '/dashboard/app.js',
    ]) {
      expect(isOpenRoute(p)).toBe(true);
    }
    for (const p of [
      '/metrics',
      '/api/inference',
      '/healthz/',
      '/HEALTHZ',
      '/dashboard/',
      '/dashboards',
      '/x/healthz',
    ]) {
      expect(isOpenRoute(p)).toBe(false);
    }
    expect(isOpenRoute('/metrics', [...OPEN_ROUTES, '/metrics'])).toBe(true);
    expect(authFailure(true, undefined, token)).toBeNull();
    expect(authFailure(false, undefined, token)).toMatch(/required/);
  });

  it('accepts the right token and refuses a wrong, a prefix, a longer one and other schemes', () => {
    expect(authFailure(false, `Bearer ${token}`, token)).toBeNull();
    expect(authFailure(false, `bearer ${token}`, token)).toBeNull();
    expect(authFailure(false, 'Bearer wrong', token)).toMatch(/not valid/);
    expect(authFailure(false, `Bearer ${token.slice(0, -1)}`, token)).toMatch(/not valid/);
    expect(authFailure(false, `Bearer ${token}x`, token)).toMatch(/not valid/);
    expect(authFailure(false, `Basic ${token}`, token)).toMatch(/required/);
    expect(authFailure(false, 'Bearer ', token)).toMatch(/required/);
  });

  it('never puts either token in the refusal', () => {
    const why = authFailure(false, 'Bearer guess-123', token) ?? '';
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
