import { z } from 'zod';
import { LEVELS } from '../../domain';

/**
 * The data of the events a streamed POST /api/inference sends (`start`, `delta`; `done` carries
 * the InferenceResult and `error` a Problem), for the OpenAPI document and for tests that check
 * real streams against it.
 */

/** One tool-call fragment as a stream carries it, in OpenAI's chunk shape (merged by `index`). */
export const toolCallFragmentSchema = z.object({
  index: z.number().int().min(0).describe('which tool call this fragment belongs to'),
  id: z.string().optional().describe('the call id, on its first fragment'),
  type: z.literal('function').optional(),
  function: z
    .object({
      name: z.string().optional().describe('a piece of the name, to concatenate'),
      arguments: z.string().optional().describe('a piece of the JSON arguments, to concatenate'),
    })
    .optional(),
});

/** `event: start`: the call, announced with its first delta. */
export const streamStartSchema = z.object({
  callId: z.string(),
  level: z.enum(LEVELS),
  model: z.string().describe('the model the call was sent to'),
});

/** `event: delta`: a piece of text and/or tool-call fragments. */
export const streamDeltaSchema = z.object({
  text: z.string().optional(),
  toolCalls: z.array(toolCallFragmentSchema).optional(),
});
