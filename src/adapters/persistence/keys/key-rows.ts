import type { ConsumerKey, KeyBudget, KeyLimits, Level, Scope } from '../../../domain';

/** A row of `consumer_keys` as pg returns it (jsonb parsed, timestamps as Date). */
export interface KeyRow {
  readonly id: string;
  readonly name: string;
  readonly key_hash: string;
  readonly previous_hash: string | null;
  readonly previous_valid_until: Date | null;
  readonly scopes: Scope[];
  readonly limits: KeyLimits;
  readonly budgets: KeyBudget[];
  readonly levels: Level[] | null;
  readonly models: string[] | null;
  readonly expires_at: Date | null;
  readonly created_at: Date;
  readonly revoked_at: Date | null;
}

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

/** The key a row holds. */
export const keyOfRow = (r: KeyRow): ConsumerKey => ({
  id: r.id,
  name: r.name,
  hash: r.key_hash,
  previousHash: r.previous_hash,
  previousValidUntil: iso(r.previous_valid_until),
  scopes: r.scopes,
  limits: r.limits,
  budgets: r.budgets,
  levels: r.levels,
  models: r.models,
  expiresAt: iso(r.expires_at),
  createdAt: r.created_at.toISOString(),
  revokedAt: iso(r.revoked_at),
});

/** The row of `k` after the event at `position` (jsonb values as JSON text). */
export const rowOfKey = (k: ConsumerKey, position: number): Record<string, unknown> => ({
  id: k.id,
  name: k.name,
  key_hash: k.hash,
  previous_hash: k.previousHash,
  previous_valid_until: k.previousValidUntil,
  scopes: JSON.stringify(k.scopes),
  limits: JSON.stringify(k.limits),
  budgets: JSON.stringify(k.budgets),
  levels: k.levels === null ? null : JSON.stringify(k.levels),
  models: k.models === null ? null : JSON.stringify(k.models),
  expires_at: k.expiresAt,
  created_at: k.createdAt,
  revoked_at: k.revokedAt,
  position,
});
