import { isRetryableStatus, isUpstreamFailure, UpstreamFailure } from './failure';
import { retryDelay } from './resilience';
import { parseRetryAfter } from './retry-after';

describe('error classification (docs/gateway.md)', () => {
  it.each([408, 429, 500, 502, 503, 504, 520, 524])('%i is retryable', (s) => {
    expect(isRetryableStatus(s)).toBe(true);
  });
  it.each([400, 401, 402, 403, 404, 409, 413, 422, 501, 505])('%i is not retryable', (s) => {
    expect(isRetryableStatus(s)).toBe(false);
  });
  it('recognises failures by brand, not class identity', () => {
    expect(isUpstreamFailure(new UpstreamFailure('http', 'x', true, 500))).toBe(true);
    expect(isUpstreamFailure({ isUpstreamFailure: true })).toBe(true);
    expect(isUpstreamFailure(new Error('x'))).toBe(false);
    expect(isUpstreamFailure(null)).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);
  it('reads whole and decimal seconds', () => {
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
  });
  it('reads an HTTP date relative to now; a past date means no wait', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 12:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 11:00:00 GMT', now)).toBe(0);
  });
  it('ignores what it cannot read', () => {
    for (const v of [null, undefined, '', '-1', 'soon', '1e3']) {
      expect(parseRetryAfter(v, now)).toBeUndefined();
    }
  });
});

describe('retryDelay', () => {
  const r = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 10_000 };
  it('grows exponentially from base_delay_ms, jittered between half and all of it', () => {
    expect([1, 2, 3].map((a) => retryDelay(a, undefined, r, () => 0))).toEqual([250, 500, 1000]);
    expect([1, 2, 3].map((a) => retryDelay(a, undefined, r, () => 0.999999))).toEqual([
      500, 1000, 2000,
    ]);
  });
  it('never passes max_delay_ms', () => {
    expect(retryDelay(10, undefined, r, () => 0.999999)).toBe(10_000);
  });
  it('Retry-After replaces the computed delay, capped at max_delay_ms', () => {
    expect(retryDelay(1, 2000, r, () => 0)).toBe(2000);
    expect(retryDelay(1, 0, r, () => 0)).toBe(0);
    expect(retryDelay(1, 60_000, r, () => 0)).toBe(10_000);
  });
});
