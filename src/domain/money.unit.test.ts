import { billedCostNanos, costNanos, nanosFromUsd, picoPerToken, usdFromNanos } from './money';

describe('cost arithmetic (FR14)', () => {
  it('matches hand-computed costs', () => {
    // Haiku: 1,234 in × $1/M + 567 out × $5/M = 0.001234 + 0.002835 = $0.004069
    expect(costNanos({ input: 1, output: 5 }, 1234, 567)).toBe(4_069_000);
    // Sonnet: 1 in × $3/M + 1 out × $15/M = $0.000018
    expect(costNanos({ input: 3, output: 15 }, 1, 1)).toBe(18_000);
    // $0.0375/M is 37.5 nano-USD a token: 3 tokens = 112.5 → 113, rounded once, half up
    expect(costNanos({ input: 0.0375, output: 0 }, 3, 0)).toBe(113);
    expect(costNanos({ input: 0.0375, output: 0 }, 1000, 0)).toBe(37_500);
    // Sub-nano per token: 0.1 nano-USD a token; 3 tokens → 0, 5 tokens → 1
    expect(costNanos({ input: 0.0001, output: 0 }, 3, 0)).toBe(0);
    expect(costNanos({ input: 0.0001, output: 0 }, 5, 0)).toBe(1);
    expect(costNanos({ input: 0, output: 0 }, 10_000, 10_000)).toBe(0);
  });

  it('is exact for prices with up to six decimals', () => {
    expect(picoPerToken(0.000001)).toBe(1);
    expect(picoPerToken(0.1)).toBe(100_000);
    expect(picoPerToken(2.5)).toBe(2_500_000);
  });

  it('sums a million calls to the exact total, with no float drift', () => {
    const price = { input: 3, output: 15 };
    let nanos = 0;
    let floats = 0;
    for (let i = 0; i < 1_000_000; i++) {
      nanos += costNanos(price, 1111, 333);
      floats += (1111 * 3) / 1e6 + (333 * 15) / 1e6;
    }
    // per call: 0.003333 + 0.004995 = $0.008328 exactly; × 1e6 = $8,328 exactly
    expect(nanos).toBe(8_328_000_000_000);
    expect(usdFromNanos(nanos)).toBe(8328);
    // The naive float sum drifts: that is why money is integers here.
    expect(floats).not.toBe(8328);
  });

  it('converts reported USD to nanos and back', () => {
    expect(nanosFromUsd(0.000123456789)).toBe(123_457);
    expect(usdFromNanos(123_457)).toBe(0.000123457);
  });
});

describe('billedCostNanos', () => {
  const price = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 };
  it('prices cache reads and writes apart from the rest of the input', () => {
    // 600 plain × $3 + 300 read × $0.3 + 100 written × $3.75 + 50 out × $15, per million: nano-USD
    expect(
      billedCostNanos(price, {
        inputTokens: 1000,
        outputTokens: 50,
        cachedInputTokens: 300,
        cacheWriteTokens: 100,
      }),
    ).toBe((1800 + 90 + 375 + 750) * 1000);
  });
  it('without cache prices, or cache tokens, is the plain cost', () => {
    expect(
      billedCostNanos(
        { input: 3, output: 15 },
        { inputTokens: 1000, outputTokens: 50, cachedInputTokens: 300 },
      ),
    ).toBe(costNanos({ input: 3, output: 15 }, 1000, 50));
  });
});
