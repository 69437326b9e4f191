/** The store that shares rate limits and cache entries between instances, as status shows it. */
export interface SharedStoreStatus {
  /** A shared store is configured (`redis.url` set). */
  readonly configured: boolean;
  /** Answering now; null when none is configured. */
  readonly connected: boolean | null;
  /**
   * Set while the service has fallen back to per-instance limits and cache because the store
   * is unreachable: limits still hold per instance, not across them.
   */
  readonly warning: string | null;
}

/** Reports on the shared store without waiting on the network. */
export interface SharedStore {
  status(): SharedStoreStatus;
}
