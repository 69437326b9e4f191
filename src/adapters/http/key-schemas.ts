import { z } from 'zod';
import { keyRotationSchema, keySpecSchema, LEVELS, SCOPES } from '../../domain';

const scope = z.enum(SCOPES as [string, ...string[]]);
const nullableString = z.string().nullable();
const limits = z.object({
  callsPerMinute: z.number().int().optional(),
  tokensPerMinute: z.number().int().optional(),
});
const budget = z.object({ period: z.enum(['day', 'week', 'month']), limitUsd: z.number() });

const keyFields = {
  id: z.string().describe('12 characters a-z, 0-9; the key is hsk_<id>_<secret>'),
  name: z.string(),
  scopes: z.array(scope),
  limits,
  budgets: z.array(budget),
  levels: z.array(z.enum(LEVELS)).nullable().describe('null: every level'),
  models: z.array(z.string()).nullable().describe('null: every allowed model'),
  expiresAt: nullableString,
  createdAt: z.string(),
};

/** POST /api/keys answer: the only time the key is shown. */
export const issuedKeySchema = z.object({
  ...keyFields,
  key: z.string().describe('hsk_<id>_<secret>: shown here only, stored as a SHA-256 hash'),
});

/** A key as listed: no secret, no hash. */
export const keyViewSchema = z.object({
  ...keyFields,
  revokedAt: nullableString,
  previousValidUntil: nullableString.describe(
    'until when the secret before the last rotation works',
  ),
  lastUsedAt: nullableString,
});

/** GET /api/keys. */
export const keyListSchema = z.object({ keys: z.array(keyViewSchema) });

/** POST /api/keys/:id/rotate answer. */
export const rotatedKeySchema = z.object({
  id: z.string(),
  key: z.string().describe('the new key: shown here only'),
  previousValidUntil: z.string().describe('the old secret works until then'),
});

export { keyRotationSchema, keySpecSchema };
