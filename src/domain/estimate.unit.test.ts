import { DEFAULT_MAX_COMPLETION_TOKENS, worstCaseCostNanos } from './estimate';

describe('worst-case cost', () => {
  const price = { input: 1, output: 5 };

  it('prices the input estimate plus the request maximum output', () => {
    // 1000 × 1 USD/M + 200 × 5 USD/M = 0.002 USD
    expect(worstCaseCostNanos(price, 1000, 200)).toBe(2_000_000);
  });

  it('falls back to the model maximum, then to 16,384 output tokens', () => {
    expect(worstCaseCostNanos(price, 0, undefined, 100)).toBe(500_000);
    expect(worstCaseCostNanos(price, 0, undefined)).toBe(DEFAULT_MAX_COMPLETION_TOKENS * 5_000);
  });

  it('is 0 for an unpriced model', () => {
    expect(worstCaseCostNanos(undefined, 1000, 200)).toBe(0);
  });
});
