import {
  estimateTokens,
  inferenceError,
  type InferenceError,
  type InferenceRequest,
} from '../../domain';

/**
 * A 400 for a call whose token reservation (its prompt at 4 characters a token plus its
 * maximum output) is more than `tokens_per_minute`: no wait would ever admit it, so a
 * retryable 429 would have clients retry forever. Undefined when it can fit.
 */
export const neverAdmitted = (
  req: InferenceRequest,
  tokensPerMinute: number | undefined,
): InferenceError | undefined => {
  if (tokensPerMinute === undefined) return undefined;
  const tokens = estimateTokens(req);
  if (tokens <= tokensPerMinute) return undefined;
  const field =
    req.maxOutputTokens !== undefined
      ? 'maxOutputTokens'
      : req.input !== undefined
        ? 'input'
        : 'messages';
  const detail =
    `${field}: the call needs up to ${tokens} tokens (its prompt at 4 characters a token plus ` +
    `its maximum output), more than rate_limits.tokens_per_minute (${tokensPerMinute}) admits ` +
    'in a minute; it could never be admitted';
  return inferenceError('invalid_request', detail, { field });
};
