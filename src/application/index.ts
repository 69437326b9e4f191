/** Application layer: use cases and projections, over the domain and ports only. */
export * from './run-inference/run-inference';
export * from './run-inference/coalescer';
export * from './run-inference/call-stream';
export * from './run-inference/stream-inference';
export * from './get-status/get-status';
export * from './get-usage/get-usage';
export * from './get-usage-series/get-usage-series';
export * from './check-health/health-monitor';
export * from './pricing/price-book';
export * from './projections/projection';
export * from './projections/call-records';
export * from './projections/usage';
export * from './projections/open-intents';
export * from './list-calls/list-calls';
export * from './run-inference/budget-gate';
export * from './get-status/budget-status';
export * from './budgets/recorded-spend';
