import type { Price, PriceTable } from '../../domain';

/**
 * Prices per model: configured prices first, then those the provider publishes (refreshed in
 * the background). A model with neither is unpriced: cost 0, flagged in the record and status.
 */
export class PriceBook {
  private fetched: PriceTable = {};
  private readonly unpriced = new Set<string>();

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
