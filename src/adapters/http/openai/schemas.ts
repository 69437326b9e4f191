import { z } from 'zod';
import { LEVELS } from '../../../domain';
import { toolCallFragmentSchema } from '../stream-schemas';

/**
 * Schemas of the OpenAI-compatible API, for the OpenAPI document and for tests that check real
 * answers against it. Requests are mapped to the native request and validated as it is.
 */
const text = z.object({ type: z.literal('text'), text: z.string() });
const content = z.union([z.string(), z.array(text)]).nullable();
const toolCall = z.object({
  id: z.string(),
  type: z.literal('function'),
  function: z.object({ name: z.string(), arguments: z.string().describe('JSON text') }),
});
const message = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content,
  tool_calls: z.array(toolCall).optional(),
  tool_call_id: z.string().optional(),
});
const association = z.string().max(128).optional();

/** The honoured fields of a Chat Completions request; any other field is ignored. */
export const chatCompletionRequestSchema = z.looseObject({
  model: z.string().describe(`a level name (${LEVELS.join(', ')}) or an allowed model`),
  messages: z.array(message).min(1),
  max_tokens: z.number().int().min(1).optional(),
  max_completion_tokens: z.number().int().min(1).optional().describe('wins over max_tokens'),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().gt(0).max(1).optional(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).optional(),
  seed: z.number().int().optional(),
  response_format: z
    .union([
      z.object({ type: z.literal('text') }),
      z.object({ type: z.literal('json_object') }),
      z.object({
        type: z.literal('json_schema'),
        json_schema: z.object({
          name: z.string().optional(),
          schema: z.record(z.string(), z.unknown()),
          strict: z.boolean().optional(),
        }),
      }),
    ])
    .optional(),
  tools: z
    .array(
      z.object({
        type: z.literal('function'),
        function: z.object({
          name: z.string(),
          description: z.string().optional(),
          parameters: z.record(z.string(), z.unknown()).optional(),
        }),
      }),
    )
    .optional(),
  tool_choice: z
    .union([
      z.enum(['auto', 'none', 'required']),
      z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) }),
    ])
    .optional(),
  reasoning: z
    .union([
      z.object({ effort: z.enum(['low', 'medium', 'high']) }),
      z.object({ max_tokens: z.number().int().min(1) }),
    ])
    .optional(),
  reasoning_effort: z.enum(['low', 'medium', 'high']).optional(),
  user: z.string().optional().describe('accepted; calls are attributed by their associations'),
  stream: z.boolean().optional(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).optional(),
  level: z.enum(LEVELS).optional().describe('wins over metadata.level and the level of model'),
  purpose: z.string().min(1).max(200).optional().describe('default "chat.completions"'),
  projectId: association,
  agentId: association,
  commandId: association,
  turnId: association,
  cache: z.boolean().optional().describe('false skips the cache read'),
  metadata: z
    .object({
      level: z.enum(LEVELS).optional(),
      purpose: z.string().optional(),
      project_id: association,
      agent_id: association,
      command_id: association,
      turn_id: association,
    })
    .optional()
    .describe('used when the top-level field is absent'),
});

const usage = z.object({
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
  cost: z.number().describe("the service's cost of the call in USD; 0 on a cache hit"),
  prompt_tokens_details: z.object({ cached_tokens: z.number().int() }),
  completion_tokens_details: z.object({ reasoning_tokens: z.number().int() }),
});

/** 200 of POST /v1/chat/completions. */
export const chatCompletionSchema = z.object({
  id: z.string().describe('the call id'),
  object: z.literal('chat.completion'),
  created: z.number().int(),
  model: z.string().describe('the model that answered'),
  choices: z.array(
    z.object({
      index: z.number().int(),
      message: z.object({
        role: z.literal('assistant'),
        content: z.string().nullable(),
        refusal: z.null(),
        tool_calls: z.array(toolCall).optional(),
      }),
      finish_reason: z.string(),
      logprobs: z.null(),
    }),
  ),
  usage,
});

/** One `data:` line of a streamed answer. */
export const chatCompletionChunkSchema = z.object({
  id: z.string(),
  object: z.literal('chat.completion.chunk'),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.number().int(),
      delta: z.object({
        role: z.literal('assistant').optional(),
        content: z.string().optional(),
        tool_calls: z.array(toolCallFragmentSchema).optional(),
      }),
      finish_reason: z.string().nullable(),
    }),
  ),
  usage: usage.optional(),
});

/** Every error under /v1. */
export const openAiErrorSchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    param: z.string().nullable(),
    code: z.string(),
  }),
});

/** 200 of GET /v1/models. */
export const modelListSchema = z.object({
  object: z.literal('list'),
  data: z.array(
    z.object({
      id: z.string(),
      object: z.literal('model'),
      created: z.number().int(),
      owned_by: z.string(),
    }),
  ),
});
