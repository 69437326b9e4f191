import { err, ok, type Result } from 'neverthrow';
import { isLevel, type Level } from '../../../domain';
import { resolveModel, type ModelCatalog } from './catalog';
import { reasoningOf, responseFormatOf, toolsOf } from './chat-parameters';
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
 * Maps an OpenAI Chat Completions body to the native request. Only what the mapping itself
 * needs is checked here (`model`, `messages`, `metadata`, `stream`, `stream_options`); every value is validated by
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
  const options = body.stream_options;
  if (
    present(options) &&
    !(isRecord(options) && typeof (options.include_usage ?? false) === 'boolean')
  ) {
    return err({
      param: 'stream_options',
      message: 'must be an object { include_usage?: boolean }',
    });
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

  return ok({
    native,
    params,
    stream: body.stream === true,
    includeUsage: isRecord(options) && options.include_usage === true,
  });
};
