import type { FinishReason, NanoUsd, ToolCall } from '../domain';

/** A cached answer: what a hit returns and records. */
export interface CachedAnswer {
  readonly text: string;
  readonly model: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Optional: entries cached before these were kept read as none. */
  readonly reasoningTokens?: number;
  readonly cachedInputTokens?: number;
  readonly toolCalls?: readonly ToolCall[] | null;
  readonly finishReason?: FinishReason | null;
  /** What the original call cost: a hit saves this much. */
  readonly costNanos: NanoUsd;
  readonly sourceCallId: string;
}

/** Hit and miss counts for status. */
export interface CacheStats {
  readonly entries: number;
  readonly hits: number;
  readonly misses: number;
}

/** Answers by cache key (FR11–FR13), with a TTL and a bounded number of entries. */
export interface Cache {
  get(key: string): Promise<CachedAnswer | undefined>;
  set(key: string, answer: CachedAnswer): Promise<void>;
  stats(): CacheStats;
}
