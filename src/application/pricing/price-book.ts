import type { Price, PriceTable } from '../../domain';

/** How many recent reported costs per model a worst case remembers. */
export const SURCHARGE_MEMORY = 100;

const scaled = (p: Price, f: number): Price =>
  f === 1
    ? p
    : {
        input: p.input * f,
        output: p.output * f,
        cacheRead: (p.cacheRead ?? p.input) * f,
        cacheWrite: (p.cacheWrite ?? p.input) * f,
      };

/**
 * Prices per model: configured prices first, then those the provider publishes (refreshed in
 * the background). A model with neither is unpriced: cost 0, flagged in the record and status.
 */
export class PriceBook {
  private fetched: PriceTable = {};
  private readonly unpriced = new Set<string>();
  private readonly ratios = new Map<string, number[]>();

  constructor(private readonly configured: PriceTable) {}

  /**
   * The price of `model`, or undefined when none is known (and remembers it for status). Cache
   * read and write prices come from config, else from the provider, else are the input price.
   */
  priceOf(model: string): Price | undefined {
    const own = this.configured[model];
    const published = this.fetched[model];
    const price = own ?? published;
    if (!price) {
      this.unpriced.add(model);
      return undefined;
    }
    return {
      input: price.input,
      output: price.output,
      cacheRead: own?.cacheRead ?? published?.cacheRead ?? price.input,
      cacheWrite: own?.cacheWrite ?? published?.cacheWrite ?? price.input,
    };
  }

  /**
   * The highest price known for `model`, for a worst case: the dearer of the configured and the
   * published price per token kind, raised by the most OpenRouter has charged above our own
   * computation of a recent call (`charged`). Undefined when the model has no price at all.
   */
  worstPriceOf(model: string): Price | undefined {
    const own = this.configured[model];
    const published = this.fetched[model];
    if (!own || !published) {
      const price = this.priceOf(model);
      const f = this.surcharge(model);
      return price && f > 1 ? scaled(price, f) : price;
    }
    const max = (a: number | null | undefined, b: number | null | undefined, or: number) =>
      Math.max(a ?? or, b ?? or);
    const input = Math.max(own.input, published.input);
    return scaled(
      {
        input,
        output: Math.max(own.output, published.output),
        cacheRead: max(own.cacheRead, published.cacheRead, input),
        cacheWrite: max(own.cacheWrite, published.cacheWrite, input),
      },
      this.surcharge(model),
    );
  }

  /**
   * A call's cost as OpenRouter reported it against our computation of it: when it charged
   * more (its price rose above the configured one), worst cases for the model are raised by as
   * much, for the last SURCHARGE_MEMORY reports of the model.
   */
  charged(model: string, computedNanos: number, reportedNanos: number): void {
    if (!(computedNanos > 0) || !(reportedNanos >= 0)) return;
    const seen = this.ratios.get(model) ?? [];
    seen.push(reportedNanos / computedNanos);
    if (seen.length > SURCHARGE_MEMORY) seen.shift();
    this.ratios.set(model, seen);
  }

  private surcharge(model: string): number {
    const seen = this.ratios.get(model);
    return seen ? Math.max(1, ...seen) : 1;
  }

  /** The model's published maximum completion tokens, when the provider said. */
  maxCompletionTokensOf(model: string): number | undefined {
    return (
      this.fetched[model]?.maxCompletionTokens ??
      this.configured[model]?.maxCompletionTokens ??
      undefined
    );
  }

  /** Replaces the provider's published prices. */
  setFetched(prices: PriceTable): void {
    this.fetched = prices;
    for (const model of [...this.unpriced]) if (prices[model]) this.unpriced.delete(model);
  }

  /** How many published prices are known. */
  fetchedCount(): number {
    return Object.keys(this.fetched).length;
  }

  /** Models seen without any price. */
  unpricedModels(): string[] {
    return [...this.unpriced].sort();
  }
}
