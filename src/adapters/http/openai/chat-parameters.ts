// Chat Completions parameters whose shape differs from the native request's.

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const present = (v: unknown): boolean => v !== undefined && v !== null;

/**
 * A JSON Schema without its top-level `$schema`. OpenAI reads every schema as its own dialect
 * whatever `$schema` says, and clients send one (the AI SDK's zod conversion names draft-07),
 * so `/v1` does the same rather than refuse a dialect the native validator does not load.
 */
const withoutDialect = (schema: unknown): unknown => {
  if (!isRecord(schema) || !('$schema' in schema)) return schema;
  const { $schema: _dialect, ...rest } = schema;
  return rest;
};

/** `response_format` in the native shape; `text` (the default) is no format at all. */
export const responseFormatOf = (rf: unknown): unknown => {
  if (!isRecord(rf)) return rf;
  if (rf.type === 'text') return undefined;
  if (rf.type === 'json_object') return { type: 'json' };
  if (rf.type === 'json_schema' && isRecord(rf.json_schema)) {
    const { name, schema, strict } = rf.json_schema;
    const format = { type: 'json_schema', name, schema: withoutDialect(schema) };
    return present(strict) ? { ...format, strict } : format;
  }
  return rf;
};

/** Function tools kept to `{ type, function: { name, description?, parameters, strict? } }`. */
export const toolsOf = (tools: unknown): unknown =>
  Array.isArray(tools)
    ? tools.map((t: unknown) => {
        if (!isRecord(t) || !isRecord(t.function)) return t;
        const { name, description, parameters, strict } = t.function;
        return {
          type: t.type,
          function: {
            name,
            ...(present(description) ? { description } : {}),
            parameters: withoutDialect(parameters ?? { type: 'object', properties: {} }),
            ...(present(strict) ? { strict } : {}),
          },
        };
      })
    : tools;

/** `reasoning` as OpenRouter takes it (`effort` or `max_tokens`), or OpenAI's `reasoning_effort`. */
export const reasoningOf = (
  body: Record<string, unknown>,
): { value: unknown; param: string } | undefined => {
  const r = body.reasoning;
  if (isRecord(r)) {
    if (present(r.max_tokens)) return { value: { maxTokens: r.max_tokens }, param: 'reasoning' };
    if (present(r.effort)) return { value: { effort: r.effort }, param: 'reasoning' };
    return undefined;
  }
  if (present(r)) return { value: r, param: 'reasoning' };
  if (present(body.reasoning_effort)) {
    return { value: { effort: body.reasoning_effort }, param: 'reasoning_effort' };
  }
  return undefined;
};
