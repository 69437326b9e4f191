import type { CachedAnswer } from '../../ports';
import type { InferenceError } from '../../domain';

/** How an in-flight call ended, as the callers that joined it see it. */
export type SharedOutcome =
  | { readonly ok: true; readonly answer: CachedAnswer }
  | { readonly ok: false; readonly error: InferenceError };

/**
 * Identical cacheable requests in flight at once share one upstream call: the first leads, the
 * rest await its outcome. Keyed by the cache key.
 */
export class Coalescer {
  private readonly inflight = new Map<string, Promise<SharedOutcome>>();

  /** The outcome of a call already in flight for `key`, if any. */
  join(key: string): Promise<SharedOutcome> | undefined {
    return this.inflight.get(key);
  }

  /**
   * Registers the leader for `key`; call the returned function with its outcome. Only the first
   * call counts, so a late second one can never unregister a newer leader for the same key.
   */
  lead(key: string): (outcome: SharedOutcome) => void {
    let resolve!: (o: SharedOutcome) => void;
    const shared = new Promise<SharedOutcome>((r) => (resolve = r));
    this.inflight.set(key, shared);
    let settled = false;
    return (outcome) => {
      if (settled) return;
      settled = true;
      if (this.inflight.get(key) === shared) this.inflight.delete(key);
      resolve(outcome);
    };
  }
}
