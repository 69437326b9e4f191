/** Redis adapters: rate limits and cache entries shared by every instance of the service. */
export * from './redis-link';
export * from './redis-rate-limiter';
export * from './redis-cache';
export * from './redis-budget-ledger';
