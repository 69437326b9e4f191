/**
 * Money is counted in integer nano-USD (1e-9 USD): sums of integers are exact, so a million
 * calls add up to the cent with no float drift. Plain numbers stay exact up to 2^53 nano-USD
 * (about 9 million USD), far beyond this service's aggregates per bucket.
 */
export type NanoUsd = number;

/** USD per million tokens, as configured under `openrouter.pricing`. */
export interface Price {
  readonly input: number;
  readonly output: number;
  /** Cached input tokens read; the input price when absent. */
  readonly cacheRead?: number | null;
  /** Input tokens written to the provider's cache; the input price when absent. */
  readonly cacheWrite?: number | null;
  /** The most output tokens the model returns, as its provider publishes it. */
  readonly maxCompletionTokens?: number | null;
}

/** Prices per model. */
export type PriceTable = Readonly<Record<string, Price>>;

const PICO_PER_NANO = 1000;

/**
 * Pico-USD per token for a USD-per-million price: exact for prices with up to six decimals,
 * which covers every published per-token price.
 */
export const picoPerToken = (usdPerMillion: number): number => Math.round(usdPerMillion * 1e6);

/** Cost of one call in nano-USD, rounded half-up once, at the end. */
export const costNanos = (price: Price, inputTokens: number, outputTokens: number): NanoUsd => {
  const pico = inputTokens * picoPerToken(price.input) + outputTokens * picoPerToken(price.output);
  return Math.round(pico / PICO_PER_NANO);
};

/** Nano-USD from a USD amount such as OpenRouter's `usage.cost`. */
export const nanosFromUsd = (usd: number): NanoUsd => Math.round(usd * 1e9);

/** USD from nano-USD, for presentation (rounded to 1e-9). */
export const usdFromNanos = (nanos: NanoUsd): number => Number((nanos / 1e9).toFixed(9));

/** The tokens of one call as priced: cache reads and writes are parts of the input. */
export interface BilledTokens {
  readonly inputTokens: number;
  /** Output tokens, reasoning included (reasoning is billed as output). */
  readonly outputTokens: number;
  readonly cachedInputTokens?: number;
  readonly cacheWriteTokens?: number;
}

/**
 * Cost of one call in nano-USD with prompt caching: cache reads at `cacheRead`, cache writes at
 * `cacheWrite` (each the input price when absent), the rest of the input at the input price.
 */
export const billedCostNanos = (price: Price, t: BilledTokens): NanoUsd => {
  const read = Math.min(t.cachedInputTokens ?? 0, t.inputTokens);
  const written = Math.min(t.cacheWriteTokens ?? 0, t.inputTokens - read);
  const plain = t.inputTokens - read - written;
  const pico =
    plain * picoPerToken(price.input) +
    read * picoPerToken(price.cacheRead ?? price.input) +
    written * picoPerToken(price.cacheWrite ?? price.input) +
    t.outputTokens * picoPerToken(price.output);
  return Math.round(pico / PICO_PER_NANO);
};
