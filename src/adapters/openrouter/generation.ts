import { err, ok, type Result } from 'neverthrow';
import { z } from 'zod';
import {
  inferenceError,
  nanosFromUsd,
  parseJsonOrUndefined,
  type InferenceError,
} from '../../domain';
import type { GenerationLookup } from '../../ports';
import type { GetOutcome } from './health';

const count = z.number().int().nonnegative().nullish();

/**
 * The part of `GET /generation?id=` read: `{ data: { total_cost, tokens_prompt, … } }`. The
 * `native_*` counts are the model's own tokenizer (what a completion's `usage` reports, and what
 * is billed); the plain ones are normalised counts, used when the native ones are missing.
 */
const generationReply = z.object({
  data: z.object({
    total_cost: z.number().nonnegative(),
    tokens_prompt: count,
    tokens_completion: count,
    native_tokens_prompt: count,
    native_tokens_completion: count,
  }),
});

/**
 * What one `/generation` reply says: the figures; `not_ready` on 404 (OpenRouter answers 404
 * until a generation's accounting is done, and for ids it does not know); otherwise an error
 * value whose detail is the (already key-free) outcome's message.
 */
export const generationLookupOf = (o: GetOutcome): Result<GenerationLookup, InferenceError> => {
  if (o.status === undefined) {
    return err(inferenceError('unavailable', `GET /generation failed: ${o.message}`));
  }
  if (o.status === 404) return ok('not_ready');
  if (o.status < 200 || o.status > 299) {
    return err(
      inferenceError('upstream_error', `GET /generation answered ${o.message}`, {
        upstreamStatus: o.status,
      }),
    );
  }
  const reply = generationReply.safeParse(parseJsonOrUndefined(o.text));
  if (!reply.success) {
    return err(inferenceError('upstream_error', 'GET /generation answered an unexpected body'));
  }
  const d = reply.data.data;
  return ok({
    inputTokens: d.native_tokens_prompt ?? d.tokens_prompt ?? 0,
    outputTokens: d.native_tokens_completion ?? d.tokens_completion ?? 0,
    costNanos: nanosFromUsd(d.total_cost),
  });
};
