/** In-memory adapters: the fakes use-case tests run on, and the `--memory` mode's storage. */
export * from './manual-clock';
export * from './in-memory-cache';
export * from './in-memory-rate-limiter';
export * from './in-memory-event-store';
export * from './in-memory-gateway';
export * from './in-memory-stream';
export * from './in-memory-budget-ledger';
export * from './in-memory-generations';
export * from './in-memory-key-store';
