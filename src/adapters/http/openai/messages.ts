import { err, ok, type Result } from 'neverthrow';

/** A request field at fault: the OpenAI parameter path and why. */
export interface ParamProblem {
  readonly param: string;
  readonly message: string;
}

/** A chat message in the native request's shape. */
export interface NativeMessage {
  readonly role: 'system' | 'user' | 'assistant' | 'tool';
  readonly content: string;
  readonly toolCallId?: string;
  readonly toolCalls?: readonly unknown[];
}

const ROLES: Readonly<Record<string, NativeMessage['role']>> = {
  system: 'system',
  developer: 'system',
  user: 'user',
  assistant: 'assistant',
  tool: 'tool',
};

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Content as text: a string, an array of text parts (joined by newlines), or null (empty). */
const textOf = (content: unknown, at: string): Result<string, ParamProblem> => {
  if (typeof content === 'string') return ok(content);
  if (content === null || content === undefined) return ok('');
  if (!Array.isArray(content)) {
    return err({ param: at, message: 'must be a string or an array of text parts' });
  }
  const texts: string[] = [];
  for (const [j, part] of content.entries()) {
    if (!isRecord(part) || part.type !== 'text' || typeof part.text !== 'string') {
      const type = isRecord(part) && typeof part.type === 'string' ? ` (got ${part.type})` : '';
      return err({ param: `${at}[${j}]`, message: `only text parts are supported${type}` });
    }
    texts.push(part.text);
  }
  return ok(texts.join('\n'));
};

/** Tool calls of an assistant message, kept to OpenAI's `{ id, type, function }`. */
const toolCallsOf = (calls: unknown, at: string): Result<unknown[], ParamProblem> => {
  if (!Array.isArray(calls)) return err({ param: at, message: 'must be an array' });
  return ok(
    calls.map((c: unknown) => {
      if (!isRecord(c) || !isRecord(c.function)) return c;
      const { name, arguments: args } = c.function;
      return { id: c.id, type: c.type, function: { name, arguments: args } };
    }),
  );
};

/** One OpenAI message as a native one; the fields OpenAI has and we do not (`name`) are dropped. */
const messageOf = (m: unknown, at: string): Result<NativeMessage, ParamProblem> => {
  if (!isRecord(m)) return err({ param: at, message: 'must be an object' });
  const role = typeof m.role === 'string' ? ROLES[m.role] : undefined;
  if (role === undefined) {
    return err({
      param: `${at}.role`,
      message: 'must be system, developer, user, assistant or tool',
    });
  }
  return textOf(m.content, `${at}.content`).andThen((content) => {
    const base = { role, content };
    if (role === 'tool') {
      return ok(
        typeof m.tool_call_id === 'string' ? { ...base, toolCallId: m.tool_call_id } : base,
      );
    }
    if (role === 'assistant' && m.tool_calls !== undefined && m.tool_calls !== null) {
      return toolCallsOf(m.tool_calls, `${at}.tool_calls`).map((toolCalls) =>
        toolCalls.length > 0 ? { ...base, toolCalls } : base,
      );
    }
    return ok(base);
  });
};

/** OpenAI `messages` as native messages; the problem names the message and part at fault. */
export const messagesOf = (messages: unknown): Result<NativeMessage[], ParamProblem> => {
  if (!Array.isArray(messages) || messages.length === 0) {
    return err({ param: 'messages', message: 'must be a non-empty array of messages' });
  }
  const out: NativeMessage[] = [];
  for (const [i, m] of messages.entries()) {
    const r = messageOf(m, `messages[${i}]`);
    if (r.isErr()) return err(r.error);
    out.push(r.value);
  }
  return ok(out);
};

/**
 * The prompt in the native request's simplest form: a lone user message (after at most one
 * system message) becomes `input` (and `system`), so such a call has the same identity (input
 * hash, cache key) as the same prompt sent to the native API; any other conversation stays
 * `messages`.
 */
export const promptOf = (
  messages: readonly NativeMessage[],
): { system?: string; input: string } | { messages: readonly NativeMessage[] } => {
  const [first, second] = messages;
  if (messages.length === 1 && first?.role === 'user') return { input: first.content };
  if (messages.length === 2 && first?.role === 'system' && second?.role === 'user') {
    return { system: first.content, input: second.content };
  }
  return { messages };
};
