import { err, ok, type Result } from 'neverthrow';
import { inferenceError, type Consumer, type InferenceError, type RateLimits } from '../../domain';
import type { Permit, RateLimiter } from '../../ports';

/** Makes the limiter of one key: the same limiter as the global one, with the key's limits. */
export type KeyLimiterFactory = (keyId: string, limits: OwnLimits) => RateLimiter;

/** A key's two limits, each set (an absent one as unlimited). */
export type OwnLimits = Pick<RateLimits, 'callsPerMinute' | 'tokensPerMinute'>;

const NO_PERMIT: Permit = { settle: () => undefined };

/** Larger than any real limit: a key that sets only one of its two limits. */
const UNLIMITED = Number.MAX_SAFE_INTEGER;

/**
 * Each key's own rate limits, through limiters made by `make` (so exactly as the global ones,
 * shared through Redis when it is): one per key, made when first needed and made again when the
 * key's limits change.
 */
export class KeyLimiters {
  private readonly limiters = new Map<string, { limits: string; limiter: RateLimiter }>();

  constructor(private readonly make: KeyLimiterFactory) {}

  /** Admits a call of `tokens` for `consumer`, or refuses it naming the key's limit. */
  async acquire(consumer: Consumer, tokens: number): Promise<Result<Permit, InferenceError>> {
    const { callsPerMinute, tokensPerMinute } = consumer.limits;
    if (callsPerMinute === undefined && tokensPerMinute === undefined) return ok(NO_PERMIT);
    const limits = {
      callsPerMinute: callsPerMinute ?? UNLIMITED,
      tokensPerMinute: tokensPerMinute ?? UNLIMITED,
    };
    const r = await this.limiterOf(consumer.keyId, limits).acquire(tokens);
    if (r.isOk()) return ok(r.value);
    const { limit, retryAfterMs } = r.error;
    const n = limit === 'calls_per_minute' ? callsPerMinute : tokensPerMinute;
    return err(
      inferenceError(
        'rate_limited',
        `key ${consumer.keyId}: its own rate limit ${limit} (${n} a minute) is reached`,
        { limit, retryAfterMs },
      ),
    );
  }

  private limiterOf(keyId: string, limits: OwnLimits): RateLimiter {
    const sig = `${limits.callsPerMinute}/${limits.tokensPerMinute}`;
    const had = this.limiters.get(keyId);
    if (had?.limits === sig) return had.limiter;
    const limiter = this.make(keyId, limits);
    this.limiters.set(keyId, { limits: sig, limiter });
    return limiter;
  }
}
