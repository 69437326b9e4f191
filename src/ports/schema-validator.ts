import type { Result } from 'neverthrow';

/** Checks one value; the first violation as "<JSON pointer>: <message>", or undefined if valid. */
export type ValidateJson = (value: unknown) => string | undefined;

/** JSON Schema (2020-12) validation for structured output; compiled schemas are reused. */
export interface SchemaValidator {
  /** The validator of `schema`, or why the schema itself is invalid. */
  compile(schema: Readonly<Record<string, unknown>>): Result<ValidateJson, string>;
}
