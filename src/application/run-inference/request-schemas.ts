import { err, ok, ResultAsync, type Result } from 'neverthrow';
import { inferenceError, type InferenceError, type InferenceRequest } from '../../domain';
import type { SchemaValidator, ValidateJson } from '../../ports';
import { outputCheck, type OutputCheck } from './checked-completion';

/** True when the request has schemas to compile or answers to check (tools, a response format). */
export const needsOutputCheck = (req: InferenceRequest): boolean =>
  req.tools !== undefined || req.responseFormat !== undefined;

const compiled = (
  schemas: SchemaValidator,
  field: string,
  schema: Readonly<Record<string, unknown>>,
): ResultAsync<ValidateJson, InferenceError> =>
  new ResultAsync(
    schemas.compile(schema).then((r): Result<ValidateJson, InferenceError> => {
      if (r.isOk()) return ok(r.value);
      const detail = `${field}: not a valid JSON Schema (${r.error})`;
      return err(inferenceError('invalid_request', detail, { field }));
    }),
  );

/**
 * Compiles the JSON Schemas a request carries (its response format's and its tools'
 * parameters), before anything is spent: an invalid one (or one too costly to compile) is a
 * 400 naming it. Returns the check every structured answer must pass, if the request asks for
 * structured output. A request without schemas need not come here (see needsOutputCheck).
 */
export const checkSchemas = (
  schemas: SchemaValidator,
  req: InferenceRequest,
): ResultAsync<OutputCheck | undefined, InferenceError> => {
  const tools = ResultAsync.combine(
    (req.tools ?? []).map((tool, i) =>
      compiled(schemas, `tools.${i}.function.parameters`, tool.function.parameters),
    ),
  );
  const format = req.responseFormat;
  return tools.andThen(() => {
    if (format === undefined) return ok(undefined);
    if (format.type === 'json') return ok(outputCheck(format, undefined));
    return compiled(schemas, 'responseFormat.schema', format.schema).map((v) =>
      outputCheck(format, v),
    );
  });
};
