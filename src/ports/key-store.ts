import type { ConsumerKey, KeyEvent } from '../domain';

/**
 * The consumer keys: their events appended to the event log with the keys projection updated in
 * the same transaction, the projection read back whole (it is small), and a cheap version to
 * poll. Every instance that shares the store sees an append through `version` (and `onChange`
 * where the store can notify).
 */
export interface KeyStore {
  /** Appends one key event and applies it to the projection; rejects when it cannot. */
  append(event: KeyEvent): Promise<void>;
  /** Every key, revoked and expired ones included. */
  all(): Promise<readonly ConsumerKey[]>;
  /** Changes whenever a key event is appended (by any instance): the last one's position. */
  version(): Promise<number>;
  /**
   * Calls `listener` soon after any instance appends a key event; returns a stop function.
   * Best effort: a lost notification is caught by polling `version`.
   */
  onChange(listener: () => void): () => void;
  /** Remembers when keys were last used (key id → epoch ms); never lowers a time. */
  touch(uses: ReadonlyMap<string, number>): Promise<void>;
  /** When each key was last used (key id → ISO-8601). */
  lastUsed(): Promise<ReadonlyMap<string, string>>;
}
