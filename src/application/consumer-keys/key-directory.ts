import {
  keyBudgetName,
  keyHash,
  keyIdOf,
  keyRefusal as keyRefusalOf,
  type Budget,
  type ConsumerKey,
  type Consumer,
  type KeyRefusal,
} from '../../domain';
import type { Clock, KeyStore } from '../../ports';

/** A key and what a call made with it carries. */
interface Entry {
  readonly key: ConsumerKey;
  readonly consumer: Consumer;
}

/** A verified key, or why it was refused. */
export type KeyCheck =
  | { readonly ok: true; readonly key: ConsumerKey; readonly consumer: Consumer }
  | { readonly ok: false; readonly reason: KeyRefusal };

/** How often the directory polls the store, and flushes last use. */
export interface KeyDirectoryOptions {
  /** Between two version polls (a lost notification is caught within this). */
  readonly pollMs: number;
  /** Between two flushes of when keys were last used. */
  readonly touchFlushMs: number;
  /** Hears a refresh or flush that failed (the store is away); the last keys stay in force. */
  readonly onError?: (e: unknown) => void;
}

/**
 * This instance's copy of the keys projection (it is small): verifying a key is a map lookup by
 * its id, one SHA-256 and constant-time compares, with no I/O. The copy is refreshed when the
 * store notifies a change and by polling its version every `pollMs`, so an issue, rotation or
 * revocation made on any instance is in force here within `pollMs` plus one read even when a
 * notification is lost. While the store cannot be read, the last copy stays in force.
 */
export class KeyDirectory {
  private entries = new Map<string, Entry>();
  private budgets: readonly Budget[] = [];
  private seen = -1;
  /** The last refresh queued; refreshes run one after another. */
  private tail: Promise<void> = Promise.resolve();
  /** A refresh queued but not started yet: later callers share it (it reads after them). */
  private pending: Promise<void> | undefined;
  private pendingForce = false;
  private uses = new Map<string, number>();

  constructor(
    private readonly store: KeyStore,
    private readonly clock: Clock,
    private readonly o: KeyDirectoryOptions,
  ) {}

  /**
   * Loads the keys when their version moved (or `force`). Resolves once a read that began after
   * this call has been applied: refreshes run one at a time, and callers arriving while one
   * waits to start share it. Never rejects (a failure goes to `onError`).
   */
  refresh(force = false): Promise<void> {
    if (force) this.pendingForce = true;
    if (this.pending) return this.pending;
    const next = this.tail.then(async () => {
      this.pending = undefined;
      const forced = this.pendingForce;
      this.pendingForce = false;
      await this.load(forced).catch((e: unknown) => this.o.onError?.(e));
    });
    this.pending = next;
    this.tail = next;
    return next;
  }

  /** Starts listening and polling; returns the function that stops both (and flushes use). */
  start(): () => Promise<void> {
    const unlisten = this.store.onChange(() => void this.refresh());
    let stopped = false;
    let cancelPoll = (): void => undefined;
    let cancelFlush = (): void => undefined;
    const poll = (): void => {
      void this.refresh().finally(() => {
        if (!stopped) cancelPoll = this.clock.schedule(this.o.pollMs, poll);
      });
    };
    const flush = (): void => {
      void this.flushUses().finally(() => {
        if (!stopped) cancelFlush = this.clock.schedule(this.o.touchFlushMs, flush);
      });
    };
    cancelPoll = this.clock.schedule(this.o.pollMs, poll);
    cancelFlush = this.clock.schedule(this.o.touchFlushMs, flush);
    return async () => {
      stopped = true;
      cancelPoll();
      cancelFlush();
      unlisten();
      await this.flushUses();
    };
  }

  /**
   * True once any key was ever issued (revoked ones count): auth is then required. Before the
   * keys were first read (the database away since start) it is false, as without keys.
   */
  anyIssued(): boolean {
    return this.entries.size > 0;
  }

  /** Verifies a bearer token that looks like a key, now. Never throws, never waits. */
  verify(token: string): KeyCheck {
    const id = keyIdOf(token);
    const entry = id === undefined ? undefined : this.entries.get(id);
    const hash = keyHash(token);
    // An id nobody holds costs the same hash and compare, so timing does not tell ids apart.
    if (!entry) {
      keyRefusalOf(DECOY, hash, 0);
      return { ok: false, reason: 'unknown' };
    }
    const reason = keyRefusalOf(entry.key, hash, this.clock.now());
    if (reason !== null) return { ok: false, reason };
    this.uses.set(entry.key.id, this.clock.now());
    return { ok: true, key: entry.key, consumer: entry.consumer };
  }

  /** Every key, as last loaded. */
  list(): readonly ConsumerKey[] {
    return [...this.entries.values()].map((e) => e.key);
  }

  /** One key, as last loaded. */
  get(id: string): ConsumerKey | undefined {
    return this.entries.get(id)?.key;
  }

  /** The budgets of every key not revoked, as the budget ledger counts them. */
  keyBudgets(): readonly Budget[] {
    return this.budgets;
  }

  /** Writes when keys were last used to the store; kept for the next flush if it fails. */
  async flushUses(): Promise<void> {
    if (this.uses.size === 0) return;
    const uses = this.uses;
    this.uses = new Map();
    try {
      await this.store.touch(uses);
    } catch (e) {
      for (const [id, at] of uses) this.uses.set(id, Math.max(at, this.uses.get(id) ?? 0));
      this.o.onError?.(e);
    }
  }

  private async load(force: boolean): Promise<void> {
    const version = await this.store.version();
    if (!force && version === this.seen) return;
    const keys = await this.store.all();
    const entries = new Map<string, Entry>();
    for (const key of keys) entries.set(key.id, { key, consumer: consumerOf(key) });
    this.entries = entries;
    this.budgets = keys
      .filter((k) => k.revokedAt === null)
      .flatMap((k) =>
        k.budgets.map((b): Budget => ({
          name: keyBudgetName(k.id, b.period),
          period: b.period,
          limitUsd: b.limitUsd,
          keyId: k.id,
        })),
      );
    this.seen = version;
  }
}

/** A key no token opens: what an unknown id is compared against. */
const DECOY: ConsumerKey = {
  id: '',
  name: '',
  scopes: [],
  limits: {},
  budgets: [],
  levels: null,
  models: null,
  expiresAt: null,
  hash: '00'.repeat(32),
  previousHash: null,
  previousValidUntil: null,
  createdAt: '',
  revokedAt: null,
};

/** What a call made with `k` carries into the use case. */
export const consumerOf = (k: ConsumerKey): Consumer => ({
  keyId: k.id,
  limits: k.limits,
  budgets: k.budgets,
  levels: k.levels,
  models: k.models,
});
