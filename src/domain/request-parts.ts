import { z } from 'zod';
import { jsonBoundsProblem } from './json-bounds';

/** OpenAI's shape of one tool call: `arguments` is a JSON string, as the model wrote it. */
export const toolCallSchema = z.strictObject({
  id: z.string().min(1).max(256),
  type: z.literal('function'),
  function: z.strictObject({ name: z.string().min(1).max(64), arguments: z.string() }),
});

/** One tool call, in a reply or in an assistant message. */
export type ToolCall = z.infer<typeof toolCallSchema>;

/** Roles a conversation message may have. */
export const MESSAGE_ROLES = ['system', 'user', 'assistant', 'tool'] as const;

/** One message of a conversation. Cross-field rules are checked by `messageProblems`. */
export const chatMessageSchema = z.strictObject({
  role: z.enum(MESSAGE_ROLES),
  content: z.string(),
  toolCallId: z.string().min(1).max(256).optional(),
  toolCalls: z.array(toolCallSchema).min(1).max(128).optional(),
});

/** One message of a conversation (`messages`). */
export interface ChatMessage {
  readonly role: (typeof MESSAGE_ROLES)[number];
  readonly content: string;
  /** The call a `tool` message answers. */
  readonly toolCallId?: string | undefined;
  /** Calls an `assistant` message made. */
  readonly toolCalls?: readonly ToolCall[] | undefined;
}

/** The first broken cross-field rule of one message, as [field, message], or undefined. */
export const messageProblem = (m: ChatMessage): [string, string] | undefined => {
  if (m.role === 'tool' && m.toolCallId === undefined) {
    return ['toolCallId', 'a tool message needs toolCallId'];
  }
  if (m.role !== 'tool' && m.toolCallId !== undefined) {
    return ['toolCallId', 'only a tool message has toolCallId'];
  }
  if (m.role !== 'assistant' && m.toolCalls !== undefined) {
    return ['toolCalls', 'only an assistant message has toolCalls'];
  }
  if (m.content === '' && m.toolCalls === undefined) {
    return ['content', 'must not be empty (only an assistant message with toolCalls may be)'];
  }
  return undefined;
};

/** A function name as OpenAI and OpenRouter accept it. */
const functionName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 of A–Z a–z 0–9 _ -');

/**
 * A JSON Schema document: an object within the bounds of json-bounds.ts, measured before
 * anything walks it recursively (its validity is checked where schemas are compiled).
 */
const jsonSchemaObject = z.record(z.string(), z.unknown()).superRefine((schema, ctx) => {
  const { problem } = jsonBoundsProblem(schema);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

/** An OpenAI function tool definition. */
export const toolSchema = z.strictObject({
  type: z.literal('function'),
  function: z.strictObject({
    name: functionName,
    description: z.string().max(4096).optional(),
    parameters: jsonSchemaObject,
    strict: z.boolean().optional(),
  }),
});

/** One tool the model may call. */
export type ToolDefinition = z.infer<typeof toolSchema>;

/** `tools`: 1–128, their parameter schemas within MAX_SCHEMA_VALUES all together. */
export const toolsSchema = z
  .array(toolSchema)
  .min(1)
  .max(128)
  .superRefine((tools, ctx) => {
    let values = 0;
    for (const [i, t] of tools.entries()) {
      const r = jsonBoundsProblem(t.function.parameters, values);
      values = r.values;
      if (r.problem === undefined) continue;
      const message = `${r.problem} (the parameters of all tools together)`;
      ctx.addIssue({ code: 'custom', path: [i, 'function', 'parameters'], message });
      return;
    }
  });

/** Which tool the model must (or may) call. */
export const toolChoiceSchema = z.union([
  z.enum(['auto', 'none', 'required']),
  z.strictObject({ type: z.literal('function'), function: z.strictObject({ name: functionName }) }),
]);

/** `toolChoice`. */
export type ToolChoice = z.infer<typeof toolChoiceSchema>;

/** `responseFormat`: any JSON object, or JSON valid against a JSON Schema (2020-12). */
export const responseFormatSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('json') }),
  z.strictObject({
    type: z.literal('json_schema'),
    name: functionName.optional(),
    schema: jsonSchemaObject,
    strict: z.boolean().optional(),
  }),
]);

/** Structured output asked for. */
export type ResponseFormat = z.infer<typeof responseFormatSchema>;

/** `reasoning`: an effort, or a token budget for the model's thinking. */
export const reasoningSchema = z.union([
  z.strictObject({ effort: z.enum(['low', 'medium', 'high']) }),
  z.strictObject({ maxTokens: z.number().int().min(1) }),
]);

/** Extended reasoning asked for. */
export type Reasoning = z.infer<typeof reasoningSchema>;

/** Why the model stopped, as OpenRouter normalises it (other values pass through as given). */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'error' | string;
