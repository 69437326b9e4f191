import { evolveKey, type ConsumerKey, type KeyEvent } from '../../domain';
import type { KeyStore } from '../../ports';

/** Keys held in this process (the `--memory` mode and use-case tests): the log and its projection. */
export class InMemoryKeyStore implements KeyStore {
  /** Every key event appended, in order. */
  readonly events: KeyEvent[] = [];
  private readonly keys = new Map<string, ConsumerKey>();
  private readonly used = new Map<string, number>();
  private readonly listeners = new Set<() => void>();

  append(event: KeyEvent): Promise<void> {
    this.events.push(event);
    const next = evolveKey(this.keys.get(event.data.keyId), event);
    if (next) this.keys.set(next.id, next);
    for (const l of this.listeners) l();
    return Promise.resolve();
  }

  all(): Promise<readonly ConsumerKey[]> {
    return Promise.resolve([...this.keys.values()]);
  }

  version(): Promise<number> {
    return Promise.resolve(this.events.length);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  touch(uses: ReadonlyMap<string, number>): Promise<void> {
    for (const [id, at] of uses) this.used.set(id, Math.max(at, this.used.get(id) ?? 0));
    return Promise.resolve();
  }

  lastUsed(): Promise<ReadonlyMap<string, string>> {
    return Promise.resolve(
      new Map([...this.used].map(([id, at]) => [id, new Date(at).toISOString()])),
    );
  }
}
