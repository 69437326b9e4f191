import type { Price } from './money';
import { costNanos, type NanoUsd } from './money';

/** Characters per token wherever tokens are estimated from text (never billed: upstream counts). */
export const CHARS_PER_TOKEN = 4;

/** Tokens `chars` characters of text are estimated at. */
export const tokensOfChars = (chars: number): number => Math.ceil(chars / CHARS_PER_TOKEN);

/** Output tokens assumed when neither the request nor the model says a maximum. */
export const DEFAULT_MAX_COMPLETION_TOKENS = 16_384;

/**
 * The most a call can cost: the input estimate at the input price plus the maximum output
 * (the request's `maxOutputTokens`, else the model's published maximum, else 16,384) at the
 * output price. 0 for an unpriced model.
 */
export const worstCaseCostNanos = (
  price: Price | undefined,
  inputTokens: number,
  maxOutputTokens: number | undefined,
  modelMaxCompletion?: number,
): NanoUsd =>
  price === undefined
    ? 0
    : costNanos(
        price,
        inputTokens,
        maxOutputTokens ?? modelMaxCompletion ?? DEFAULT_MAX_COMPLETION_TOKENS,
      );
