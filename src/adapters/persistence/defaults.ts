/**
 * How long a database statement may take before it is abandoned (an append goes to the journal):
 * the configuration's `database.statement_timeout_ms` default, and the adapters' when not given.
 */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 2_000;
