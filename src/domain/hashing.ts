import { hash } from 'node:crypto';

/** SHA-256 hex of the input text: the call record's `input_hash` (FR7, FR24). */
export const inputHash = (input: string): string => hash('sha256', input, 'hex');

/** Everything that changes the answer, and so belongs in the cache key. */
export interface CacheKeyParts {
  readonly model: string;
  readonly system?: string | undefined;
  readonly input: string;
  readonly maxOutputTokens?: number | undefined;
  readonly temperature?: number | undefined;
}

/**
 * The cache key: SHA-256 over a canonical, length-delimited encoding of every part, so that
 * no two different requests can collide by concatenation (e.g. system "ab" + input "c" vs
 * system "a" + input "bc"). One-shot `hash` is about twice as fast as `createHash` here.
 */
export const cacheKey = (p: CacheKeyParts): string =>
  hash(
    'sha256',
    JSON.stringify([
      'v1',
      p.model,
      p.system ?? null,
      p.input,
      p.maxOutputTokens ?? null,
      p.temperature ?? null,
    ]),
    'hex',
  );
