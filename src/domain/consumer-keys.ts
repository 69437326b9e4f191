import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { BudgetPeriod } from './budgets';
import type { Event } from './events';
import type { Level } from './levels';

/** What a key may do: call models, read status and usage, or manage keys. */
export type Scope = 'infer' | 'read' | 'admin';

/** Every scope, in order. */
export const SCOPES: readonly Scope[] = ['infer', 'read', 'admin'];

/** A key's own rate limits; an absent one is not limited beyond the global limit. */
export interface KeyLimits {
  readonly callsPerMinute?: number | undefined;
  readonly tokensPerMinute?: number | undefined;
}

/** A key's spend cap for a calendar period (UTC). */
export interface KeyBudget {
  readonly period: BudgetPeriod;
  readonly limitUsd: number;
}

/** What an operator says about a key when issuing it. */
export interface KeySpec {
  readonly name: string;
  readonly scopes: readonly Scope[];
  readonly limits: KeyLimits;
  readonly budgets: readonly KeyBudget[];
  /** Levels the key may call; null: every level. */
  readonly levels: readonly Level[] | null;
  /** Models the key may name or be answered by; null: every allowed model. */
  readonly models: readonly string[] | null;
  /** ISO-8601; null: never expires. */
  readonly expiresAt: string | null;
}

/** A key was issued: its spec and the SHA-256 of the whole key, never the key. */
export type KeyIssued = Event<
  'KeyIssued',
  KeySpec & { readonly keyId: string; readonly hash: string }
>;

/** A key got a new secret; the old one still works until `previousValidUntil`. */
export type KeyRotated = Event<
  'KeyRotated',
  { readonly keyId: string; readonly hash: string; readonly previousValidUntil: string }
>;

/** A key was revoked: refused from now on. */
export type KeyRevoked = Event<'KeyRevoked', { readonly keyId: string }>;

/** Every key event. */
export type KeyEvent = KeyIssued | KeyRotated | KeyRevoked;

/** The key event type names. */
export const KEY_EVENT_TYPES: readonly KeyEvent['type'][] = [
  'KeyIssued',
  'KeyRotated',
  'KeyRevoked',
];

/** True when `type` names a key event. */
export const isKeyEventType = (type: string): type is KeyEvent['type'] =>
  (KEY_EVENT_TYPES as readonly string[]).includes(type);

/** A key as its events leave it: the keys projection's row. */
export interface ConsumerKey extends KeySpec {
  readonly id: string;
  readonly hash: string;
  /** The hash of the secret before the last rotation, while it still works. */
  readonly previousHash: string | null;
  readonly previousValidUntil: string | null;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

/** Applies one key event to the key it concerns (undefined before `KeyIssued`). Pure. */
export const evolveKey = (k: ConsumerKey | undefined, e: KeyEvent): ConsumerKey | undefined => {
  if (e.type === 'KeyIssued') {
    const { keyId, hash, ...spec } = e.data;
    return (
      k ?? {
        ...spec,
        id: keyId,
        hash,
        previousHash: null,
        previousValidUntil: null,
        createdAt: e.occurredAt,
        revokedAt: null,
      }
    );
  }
  if (!k) return k;
  if (e.type === 'KeyRotated') {
    return {
      ...k,
      hash: e.data.hash,
      previousHash: k.hash,
      previousValidUntil: e.data.previousValidUntil,
    };
  }
  return k.revokedAt === null ? { ...k, revokedAt: e.occurredAt } : k;
};

const KEY_RE = /^hsk_([a-z0-9]{12})_([A-Za-z0-9]{32})$/;

/** The id of a well-formed key, else undefined. */
export const keyIdOf = (token: string): string | undefined => KEY_RE.exec(token)?.[1];

/** SHA-256 of the whole key, as stored. */
export const keyHash = (token: string): Buffer => createHash('sha256').update(token).digest();

/** The stored (hex) form of `keyHash`. */
export const keyHashHex = (token: string): string => keyHash(token).toString('hex');

const ID_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';
const SECRET_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `n` characters drawn uniformly from `alphabet` (rejection sampling: no modulo bias). */
const randomString = (alphabet: string, n: number): string => {
  const ceiling = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < n) {
    for (const b of randomBytes(n * 2)) {
      if (b < ceiling && out.length < n) out += alphabet[b % alphabet.length];
    }
  }
  return out;
};

/** A new key id: 12 characters [a-z0-9]. */
export const newKeyId = (): string => randomString(ID_CHARS, 12);

/** A new key `hsk_<id>_<secret>` for `id`: the secret is 32 base62 characters. */
export const newKeyToken = (id: string): string => `hsk_${id}_${randomString(SECRET_CHARS, 32)}`;

/** Why a key cannot be used now, or null when it can. */
export type KeyRefusal = 'unknown' | 'revoked' | 'expired' | 'rotated';

/**
 * Whether `token` (already hashed as `hash`) opens `k` at `now` (epoch ms): the current secret,
 * or the previous one inside its overlap; not revoked, not expired. Constant time over the
 * hashes (crypto.timingSafeEqual on equal-length digests).
 */
export const keyRefusal = (k: ConsumerKey, hash: Buffer, now: number): KeyRefusal | null => {
  const current = timingSafeEqual(hash, Buffer.from(k.hash, 'hex'));
  const previous =
    k.previousHash !== null && timingSafeEqual(hash, Buffer.from(k.previousHash, 'hex'));
  if (!current && !previous) return 'unknown';
  if (k.revokedAt !== null) return 'revoked';
  if (k.expiresAt !== null && Date.parse(k.expiresAt) <= now) return 'expired';
  if (!current && (k.previousValidUntil === null || Date.parse(k.previousValidUntil) <= now)) {
    return 'rotated';
  }
  return null;
};

/** What a call made with a key carries into the use case: who it is and what binds it. */
export interface Consumer {
  readonly keyId: string;
  readonly limits: KeyLimits;
  readonly budgets: readonly KeyBudget[];
  readonly levels: readonly Level[] | null;
  readonly models: readonly string[] | null;
}

/** The name of a key's budget for `period`, as status and refusals show it. */
export const keyBudgetName = (keyId: string, period: BudgetPeriod): string =>
  `key:${keyId}:${period}`;
