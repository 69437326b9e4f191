import { err, ok, type Result } from 'neverthrow';
import { isLevel, type Level } from '../../../domain';
import { resolveModel, type ModelCatalog } from './catalog';
import { messagesOf, promptOf, type ParamProblem } from './messages';

/** A Chat Completions request mapped to the native one, with what is needed to answer it. */
export interface MappedChatRequest {
  /** The native request body, validated by the same use case as `POST /api/inference`. */
  readonly native: Record<string, unknown>;
  /** Native field → the OpenAI parameter it came from, to name the right one in errors. */
  readonly params: Readonly<Record<string, string>>;
  readonly stream: boolean;
  /** `stream_options.include_usage`: end the stream with a usage chunk. */
  readonly includeUsage: boolean;
}

const ASSOCIATIONS = [
  ['projectId', 'project_id'],
  ['agentId', 'agent_id'],
  ['commandId', 'command_id'],
  ['turnId', 'turn_id'],
] as const;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const present = (v: unknown): boolean => v !== undefined && v !== null;

/** The first given of a top-level field (where SDKs put extra body fields) and a metadata key. */
const pick = (
  body: Record<string, unknown>,
  metadata: Record<string, unknown>,
  field: string,
  key: string,
): { value: unknown; param: string } | undefined => {
  if (present(body[field])) return { value: body[field], param: field };
  if (present(metadata[key])) return { value: metadata[key], param: `metadata.${key}` };
  return undefined;
};

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
const responseFormatOf = (rf: unknown): unknown => {
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
const toolsOf = (tools: unknown): unknown =>
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
const reasoningOf = (
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

/**
 * Maps an OpenAI Chat Completions body to the native request. Only what the mapping itself
 * needs is checked here (`model`, `messages`, `metadata`, `stream`); every value is validated by
 * the native schema afterwards, and its errors are named back by `params`.
 */
export const mapChatRequest = (
  body: unknown,
  catalog: ModelCatalog,
): Result<MappedChatRequest, ParamProblem> => {
  if (!isRecord(body)) return err({ param: 'body', message: 'must be a JSON object' });
  if (typeof body.model !== 'string' || body.model === '') {
    return err({ param: 'model', message: 'required: a level name or an allowed model id' });
  }
  const metadata = present(body.metadata) ? body.metadata : {};
  if (!isRecord(metadata)) return err({ param: 'metadata', message: 'must be an object' });
  if (present(body.stream) && typeof body.stream !== 'boolean') {
    return err({ param: 'stream', message: 'must be a boolean' });
  }
  const messages = messagesOf(body.messages);
  if (messages.isErr()) return err(messages.error);

  const native: Record<string, unknown> = {};
  const params: Record<string, string> = {};
  const set = (field: string, value: unknown, param: string): void => {
    if (value === undefined) return;
    native[field] = value;
    params[field] = param;
  };

  const level = pick(body, metadata, 'level', 'level');
  const explicit: Level | undefined = isLevel(level?.value) ? level.value : undefined;
  const resolved = resolveModel(catalog, body.model, explicit);
  // A level given but not a level name is passed on as is, for the native validation to name.
  set(
    'level',
    level && explicit === undefined ? level.value : resolved.level,
    level?.param ?? 'model',
  );
  set('model', resolved.model, 'model');
  const purpose = pick(body, metadata, 'purpose', 'purpose');
  set('purpose', purpose?.value ?? 'chat.completions', purpose?.param ?? 'purpose');
  for (const [field, key] of ASSOCIATIONS) {
    const a = pick(body, metadata, field, key);
    if (a) set(field, a.value, a.param);
  }

  const prompt = promptOf(messages.value);
  for (const [field, value] of Object.entries(prompt)) set(field, value, 'messages');

  const maxTokens = present(body.max_completion_tokens) ? 'max_completion_tokens' : 'max_tokens';
  if (present(body[maxTokens])) set('maxOutputTokens', body[maxTokens], maxTokens);
  for (const [field, param] of [
    ['temperature', 'temperature'],
    ['topP', 'top_p'],
    ['seed', 'seed'],
    ['toolChoice', 'tool_choice'],
    ['cache', 'cache'],
  ] as const) {
    if (present(body[param])) set(field, body[param], param);
  }
  if (present(body.stop))
    set('stop', typeof body.stop === 'string' ? [body.stop] : body.stop, 'stop');
  if (present(body.response_format)) {
    set('responseFormat', responseFormatOf(body.response_format), 'response_format');
  }
  if (present(body.tools)) set('tools', toolsOf(body.tools), 'tools');
  const reasoning = reasoningOf(body);
  if (reasoning) set('reasoning', reasoning.value, reasoning.param);

  const options = body.stream_options;
  return ok({
    native,
    params,
    stream: body.stream === true,
    includeUsage: isRecord(options) && options.include_usage === true,
  });
};
