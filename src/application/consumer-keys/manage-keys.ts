import { err, ok, type Result } from 'neverthrow';
import {
  evolveKey,
  keyHashHex,
  newKeyId,
  newKeyToken,
  parseKeyRotation,
  parseKeySpec,
  type ConsumerKey,
  type KeyEvent,
} from '../../domain';
import type { Clock, KeyStore } from '../../ports';
import type { KeyDirectory } from './key-directory';

/** Why a key operation was refused. */
export type KeyAdminError =
  | { readonly code: 'invalid_request'; readonly field: string; readonly detail: string }
  | { readonly code: 'not_found'; readonly detail: string }
  | { readonly code: 'conflict'; readonly detail: string }
  | { readonly code: 'unavailable'; readonly detail: string };

/** A key as listed: never its hash, with when it was last used. */
export type KeyView = Omit<ConsumerKey, 'hash' | 'previousHash'> & {
  readonly lastUsedAt: string | null;
};

/** A key just issued or rotated: the only time `key` is shown. */
export interface IssuedKey {
  readonly key: string;
  readonly view: KeyView;
}

/** A rotation's answer: the new key and until when the old one works. */
export interface RotatedKey {
  readonly id: string;
  readonly key: string;
  readonly previousValidUntil: string;
}

/** Key administration: issue, list, rotate and revoke, each an event in the log. */
export interface KeyAdmin {
  issue(body: unknown): Promise<Result<IssuedKey, KeyAdminError>>;
  list(): Promise<Result<readonly KeyView[], KeyAdminError>>;
  get(id: string): Promise<Result<KeyView, KeyAdminError>>;
  rotate(id: string, body: unknown): Promise<Result<RotatedKey, KeyAdminError>>;
  revoke(id: string): Promise<Result<void, KeyAdminError>>;
}

/** What key administration needs. */
export interface KeyAdminDeps {
  readonly store: KeyStore;
  readonly clock: Clock;
  readonly newId: () => string;
  /** This instance's copy, refreshed after each change so it is in force here at once. */
  readonly directory?: KeyDirectory;
}

const unavailable: KeyAdminError = {
  code: 'unavailable',
  detail: 'the keys could not be read or written: the database did not answer',
};

/** A key's view: the hashes stay inside. */
export const keyView = (k: ConsumerKey, lastUsedAt: string | null = null): KeyView => {
  const { hash: _hash, previousHash: _previous, ...rest } = k;
  return { ...rest, lastUsedAt };
};

/** Builds key administration over the key store (the directory, when given, follows at once). */
export const makeKeyAdmin = (d: KeyAdminDeps): KeyAdmin => {
  const now = () => d.clock.now();
  // TypeScript cannot correlate `type` with `data` across a generic union; the signature does.
  const event = <T extends KeyEvent['type']>(
    type: T,
    data: Extract<KeyEvent, { type: T }>['data'],
  ): Extract<KeyEvent, { type: T }> =>
    ({
      type,
      eventId: d.newId(),
      occurredAt: new Date(now()).toISOString(),
      data,
    }) as unknown as Extract<KeyEvent, { type: T }>;

  /** Appends `e`, then refreshes this instance's copy; a store failure is `unavailable`. */
  const append = async (e: KeyEvent): Promise<boolean> => {
    try {
      await d.store.append(e);
    } catch {
      return false;
    }
    await d.directory?.refresh(true);
    return true;
  };

  const find = async (id: string): Promise<Result<ConsumerKey, KeyAdminError>> => {
    let keys: readonly ConsumerKey[];
    try {
      keys = await d.store.all();
    } catch {
      return err(unavailable);
    }
    const k = keys.find((x) => x.id === id);
    return k ? ok(k) : err({ code: 'not_found', detail: `id: no key ${safeId(id)}` });
  };

  const lastUsed = async (): Promise<ReadonlyMap<string, string>> =>
    d.store.lastUsed().catch(() => new Map<string, string>());

  return {
    async issue(body) {
      const spec = parseKeySpec(body, now());
      if (spec.isErr()) return err({ code: 'invalid_request', ...spec.error });
      const id = newKeyId();
      const token = newKeyToken(id);
      const e = event('KeyIssued', { ...spec.value, keyId: id, hash: keyHashHex(token) });
      if (!(await append(e))) return err(unavailable);
      const key = evolveKey(undefined, e);
      if (!key) return err(unavailable);
      return ok({ key: token, view: keyView(key) });
    },
    async list() {
      try {
        const [keys, used] = await Promise.all([d.store.all(), lastUsed()]);
        return ok(keys.map((k) => keyView(k, used.get(k.id) ?? null)));
      } catch {
        return err(unavailable);
      }
    },
    async get(id) {
      const k = await find(id);
      if (k.isErr()) return err(k.error);
      return ok(keyView(k.value, (await lastUsed()).get(id) ?? null));
    },
    async rotate(id, body) {
      const overlap = parseKeyRotation(body);
      if (overlap.isErr()) return err({ code: 'invalid_request', ...overlap.error });
      const k = await find(id);
      if (k.isErr()) return err(k.error);
      if (k.value.revokedAt !== null) {
        return err({ code: 'conflict', detail: `id: key ${id} is revoked; issue a new one` });
      }
      const token = newKeyToken(id);
      const previousValidUntil = new Date(now() + overlap.value * 1000).toISOString();
      const e = event('KeyRotated', { keyId: id, hash: keyHashHex(token), previousValidUntil });
      if (!(await append(e))) return err(unavailable);
      return ok({ id, key: token, previousValidUntil });
    },
    async revoke(id) {
      const k = await find(id);
      if (k.isErr()) return err(k.error);
      // Revoking twice changes nothing: no second event.
      if (k.value.revokedAt !== null) return ok(undefined);
      if (!(await append(event('KeyRevoked', { keyId: id })))) return err(unavailable);
      return ok(undefined);
    },
  };
};

/** An id as a message may quote it: only what a key id may hold, at most its length. */
const safeId = (id: string): string => `"${id.replace(/[^a-z0-9]/g, '?').slice(0, 12)}"`;
