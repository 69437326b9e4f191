/** Constants shared by the budget unit tests. */
export { MODELS } from '../support/run-inference-setup';

/** 400 characters (100 input tokens) and at most 1000 output tokens, at $1 and $5 per million. */
export const WORST_NANOS = 100 * 1000 + 1000 * 5000;

/** 2026-01-07T22:00:00Z. */
export const T0 = Date.UTC(2026, 0, 7, 22);
