import { err, ok, type Result } from 'neverthrow';
import { inferenceError, type InferenceError, type InferenceRequest } from '../../domain';
import type { SchemaValidator } from '../../ports';
import { outputCheck, type OutputCheck } from './checked-completion';

/**
 * Compiles the JSON Schemas a request carries (its response format's and its tools'
 * parameters), before anything is spent: an invalid one is a 400 naming it. Returns the check
 * every structured answer must pass, if the request asks for structured output.
 */
export const checkSchemas = (
  schemas: SchemaValidator,
  req: InferenceRequest,
): Result<OutputCheck | undefined, InferenceError> => {
  const invalid = (field: string, why: string) =>
    err(inferenceError('invalid_request', `${field}: not a valid JSON Schema (${why})`, { field }));
  for (const [i, tool] of (req.tools ?? []).entries()) {
    const compiled = schemas.compile(tool.function.parameters);
    if (compiled.isErr()) return invalid(`tools.${i}.function.parameters`, compiled.error);
  }
  const format = req.responseFormat;
  if (format === undefined) return ok(undefined);
  if (format.type === 'json') return ok(outputCheck(format, undefined));
  const compiled = schemas.compile(format.schema);
  if (compiled.isErr()) return invalid('responseFormat.schema', compiled.error);
  return ok(outputCheck(format, compiled.value));
};
