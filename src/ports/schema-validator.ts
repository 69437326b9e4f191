import type { Result } from 'neverthrow';

/**
 * Checks one JSON text (already known to parse); the first violation as "<JSON pointer>:
 * <message>", or undefined if valid. Asynchronous: a validator may run it off the event loop
 * and give up on it after a deadline (then the answer is a violation saying so).
 */
export type ValidateJson = (json: string) => Promise<string | undefined>;

/** JSON Schema (2020-12) validation for structured output; compiled schemas are reused. */
export interface SchemaValidator {
  /** The validator of `schema`, or why the schema itself is invalid (never an engine's message). */
  compile(schema: Readonly<Record<string, unknown>>): Promise<Result<ValidateJson, string>>;
}
