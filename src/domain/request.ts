import { z } from 'zod';
import { err, ok, type Result } from 'neverthrow';
import { inferenceError, type InferenceError } from './errors';
import { LEVELS, type Level } from './levels';
import { tokensOfChars } from './estimate';
import { illFormedPath } from './well-formed';
import {
  chatMessageSchema,
  messageProblem,
  reasoningSchema,
  responseFormatSchema,
  toolChoiceSchema,
  toolsSchema,
  type ChatMessage,
  type FinishReason,
  type Reasoning,
  type ResponseFormat,
  type ToolCall,
  type ToolChoice,
  type ToolDefinition,
} from './request-parts';

export * from './request-parts';

/** An association id (project, agent, command, turn): a plain id from another system. */
export const associationIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters');

const association = associationIdSchema.optional();

/** Checks an association id given as a filter; the message completes "<name>: …". */
export const associationIdProblem = (value: string): string | undefined => {
  const r = associationIdSchema.safeParse(value);
  return r.success ? undefined : r.error.issues[0]?.message;
};

/** Most stop sequences a request may give (OpenRouter and OpenAI accept four). */
export const MAX_STOP = 4;

/**
 * The schema of an inference request. One definition validates HTTP bodies and library calls
 * and generates the OpenAPI document. Unknown fields are refused, at every depth.
 */
export const inferenceRequestSchema = (maxInputChars: number) =>
  z
    .strictObject({
      level: z.enum(LEVELS),
      purpose: z.string().min(1).max(200),
      input: z.string().min(1).max(maxInputChars).optional(),
      messages: z.array(chatMessageSchema).min(1).optional(),
      system: z.string().optional(),
      model: z.string().min(1).max(256).optional(),
      maxOutputTokens: z.number().int().min(1).optional(),
      temperature: z.number().min(0).max(2).optional(),
      topP: z.number().gt(0).max(1).optional(),
      stop: z.array(z.string().min(1)).max(MAX_STOP).optional(),
      seed: z.number().int().optional(),
      responseFormat: responseFormatSchema.optional(),
      tools: toolsSchema.optional(),
      toolChoice: toolChoiceSchema.optional(),
      reasoning: reasoningSchema.optional(),
      stream: z.boolean().optional(),
      projectId: association,
      agentId: association,
      commandId: association,
      turnId: association,
      cache: z.boolean().optional(),
    })
    .superRefine((r, ctx) => {
      const say = (path: Array<string | number>, message: string) =>
        ctx.addIssue({ code: 'custom', path, message });
      if (r.input === undefined && r.messages === undefined) {
        return say(['input'], 'one of input and messages is required');
      }
      if (r.input !== undefined && r.messages !== undefined) {
        return say(['messages'], 'give either input or messages, not both');
      }
      if (r.system !== undefined && r.messages !== undefined) {
        return say(['system'], 'only with input; in a conversation send a system message');
      }
      for (const [i, m] of (r.messages ?? []).entries()) {
        const p = messageProblem(m);
        if (p) return say(['messages', i, p[0]], p[1]);
      }
      const chars = (r.messages ?? []).reduce((n, m) => n + m.content.length, 0);
      if (chars > maxInputChars) {
        return say(['messages'], `content totals ${chars} characters; at most ${maxInputChars}`);
      }
      if (r.toolChoice !== undefined && r.tools === undefined) {
        return say(['toolChoice'], 'needs tools');
      }
      const chosen = typeof r.toolChoice === 'object' ? r.toolChoice.function.name : undefined;
      if (chosen !== undefined && !r.tools?.some((t) => t.function.name === chosen)) {
        return say(['toolChoice', 'function', 'name'], `no tool is named ${chosen}`);
      }
      return undefined;
    })
    .meta({
      description: 'Exactly one of input and messages; system only with input.',
      oneOf: [{ required: ['input'] }, { required: ['messages'] }],
    });

/** What every request may carry besides its prompt or conversation. */
export interface RequestOptions {
  readonly level: Level;
  /** What the call is for (1–200 characters); recorded, not sent upstream. */
  readonly purpose: string;
  /** A model replacing the level's: a level model, a fallback or an allowed model. */
  readonly model?: string | undefined;
  readonly maxOutputTokens?: number | undefined;
  /** 0–2. */
  readonly temperature?: number | undefined;
  /** (0, 1]. */
  readonly topP?: number | undefined;
  /** At most four. */
  readonly stop?: readonly string[] | undefined;
  readonly seed?: number | undefined;
  readonly responseFormat?: ResponseFormat | undefined;
  readonly tools?: readonly ToolDefinition[] | undefined;
  readonly toolChoice?: ToolChoice | undefined;
  readonly reasoning?: Reasoning | undefined;
  /** Answer as a stream of events. */
  readonly stream?: boolean | undefined;
  readonly projectId?: string | undefined;
  readonly agentId?: string | undefined;
  readonly commandId?: string | undefined;
  readonly turnId?: string | undefined;
  /** `false` skips the cache read; default true. */
  readonly cache?: boolean | undefined;
}

/** A request with one prompt, and optionally a system prompt. */
export interface PromptRequest extends RequestOptions {
  readonly input: string;
  readonly system?: string | undefined;
  readonly messages?: undefined;
}

/** A request with a conversation. */
export interface ConversationRequest extends RequestOptions {
  readonly messages: readonly ChatMessage[];
  readonly input?: undefined;
  readonly system?: undefined;
}

/** A validated inference request: exactly one of `input` and `messages`. */
export type InferenceRequest = PromptRequest | ConversationRequest;

/** The field path of an issue: an unknown key is named by itself (`messages.0.nmae`). */
/** The dotted path a zod issue is about ('body' for the whole value). */
export const fieldOf = (issue: z.core.$ZodIssue | undefined): string => {
  if (!issue) return 'body';
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) path.push(issue.keys[0]);
  return path.join('.') || 'body';
};

/** A zod issue's message, with an unknown key called what it is. */
export const messageOfIssue = (issue: z.core.$ZodIssue | undefined): string =>
  issue?.code === 'unrecognized_keys' ? 'unknown field' : (issue?.message ?? 'invalid');

/** Validates a request with a schema from `inferenceRequestSchema`; the error names the field. */
export const parseInferenceRequest = (
  schema: ReturnType<typeof inferenceRequestSchema>,
  raw: unknown,
): Result<InferenceRequest, InferenceError> => {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return err(
      inferenceError('invalid_request', 'request body must be a JSON object', { field: 'body' }),
    );
  }
  // Before the schema: a lone surrogate would pass it, go upstream, and then fail to store.
  const illFormed = illFormedPath(raw);
  if (illFormed !== undefined) {
    const field = illFormed || 'body';
    const detail = `${field}: not well-formed Unicode (a lone surrogate)`;
    return err(inferenceError('invalid_request', detail, { field }));
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) {
    const { input, system, messages, ...options } = parsed.data;
    return ok(
      input !== undefined
        ? { ...options, input, system }
        : { ...options, messages: messages ?? [] },
    );
  }
  const issue = parsed.error.issues[0];
  const field = fieldOf(issue);
  return err(inferenceError('invalid_request', `${field}: ${messageOfIssue(issue)}`, { field }));
};

/** The conversation a request stands for: a prompt becomes [system?, user]. */
export const conversationOf = (req: InferenceRequest): readonly ChatMessage[] => {
  if (req.messages !== undefined) return req.messages;
  const user: ChatMessage = { role: 'user', content: req.input };
  return req.system !== undefined && req.system !== ''
    ? [{ role: 'system', content: req.system }, user]
    : [user];
};

/** What a caller gets back. */
export interface InferenceResult {
  readonly callId: string;
  readonly level: Level;
  /** The model that answered (a fallback, if one did). */
  readonly model: string;
  readonly text: string;
  /** The parsed answer, with `responseFormat`. */
  readonly json?: unknown;
  /** Calls the model asked for, with `tools`. */
  readonly toolCalls?: readonly ToolCall[];
  readonly finishReason: FinishReason | null;
  readonly inputTokens: number;
  /** Output tokens, reasoning included. */
  readonly outputTokens: number;
  /** Of the output tokens, those spent reasoning. */
  readonly reasoningTokens: number;
  /** Of the input tokens, those read from the provider's cache. */
  readonly cachedInputTokens: number;
  readonly latencyMs: number;
  readonly costUsd: number;
  readonly cached: boolean;
}

/**
 * Tokens reserved against `tokens_per_minute` before a call: a prompt estimate (4 characters a
 * token, rounded up) plus the requested output, or this default when none is requested. The
 * reservation is corrected to the actual usage when the call returns.
 */
export const DEFAULT_OUTPUT_RESERVATION = 1024;

/** Characters of prompt a request sends: every message's content. */
export const promptChars = (req: InferenceRequest): number =>
  conversationOf(req).reduce((n, m) => n + m.content.length, 0);

/** The token reservation for a request (see DEFAULT_OUTPUT_RESERVATION). */
export const estimateTokens = (req: InferenceRequest): number =>
  tokensOfChars(promptChars(req)) + (req.maxOutputTokens ?? DEFAULT_OUTPUT_RESERVATION);
