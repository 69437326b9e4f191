import { err, ok, type Result } from 'neverthrow';
import { z } from 'zod';
import { SCOPES, type KeySpec } from './consumer-keys';
import { LEVELS } from './levels';
import { fieldOf, messageOfIssue } from './request';
import { illFormedPath } from './well-formed';

const positiveInt = z.number().int().min(1).max(1_000_000_000);
const unique = <T>(xs: readonly T[]) => new Set(xs).size === xs.length;

/** The body of `POST /api/keys`, strict: an unknown field is refused by name. */
export const keySpecSchema = z.strictObject({
  name: z.string().min(1).max(200).describe('who the key is for'),
  scopes: z
    .array(z.enum(SCOPES as [string, ...string[]]))
    .min(1)
    .refine(unique, 'must not repeat a scope')
    .describe('infer: calls; read: status, usage, calls, metrics, openapi; admin: keys'),
  limits: z
    .strictObject({
      callsPerMinute: positiveInt.optional(),
      tokensPerMinute: positiveInt.optional(),
    })
    .optional()
    .describe("the key's own rate limits, on top of the global ones"),
  budgets: z
    .array(
      z.strictObject({
        period: z.enum(['day', 'week', 'month']),
        limitUsd: z.number().min(0).max(1_000_000),
      }),
    )
    .max(3)
    .refine((bs) => unique(bs.map((b) => b.period)), 'must not repeat a period')
    .optional()
    .describe("the key's own spend caps per calendar period (UTC)"),
  levels: z
    .array(z.enum(LEVELS))
    .min(1)
    .optional()
    .describe('levels the key may call; every level when absent'),
  models: z
    .array(z.string().min(1).max(200))
    .min(1)
    .max(100)
    .optional()
    .describe('models the key may use; every allowed model when absent'),
  expiresAt: z.iso.datetime({ offset: true }).optional().describe('ISO-8601; never when absent'),
});

/** The body of `POST /api/keys/:id/rotate`. */
export const keyRotationSchema = z.strictObject({
  overlapSeconds: z
    .number()
    .int()
    .min(0)
    .max(604_800)
    .optional()
    .describe('how long the old secret keeps working (default 0: it stops at once)'),
});

/** A refused key body: the field at fault and why. */
export interface KeyInputProblem {
  readonly field: string;
  readonly detail: string;
}

const parseWith = <S extends z.ZodType>(
  schema: S,
  raw: unknown,
): Result<z.infer<S>, KeyInputProblem> => {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return err({ field: 'body', detail: 'body: must be a JSON object' });
  }
  const bad = illFormedPath(raw);
  if (bad !== undefined) {
    const field = bad || 'body';
    return err({ field, detail: `${field}: not well-formed Unicode (a lone surrogate)` });
  }
  const r = schema.safeParse(raw);
  if (r.success) return ok(r.data);
  const issue = r.error.issues[0];
  const field = fieldOf(issue);
  return err({ field, detail: `${field}: ${messageOfIssue(issue)}` });
};

/** Validates a key body into a spec; `now` refuses an expiry already past. */
export const parseKeySpec = (raw: unknown, now: number): Result<KeySpec, KeyInputProblem> =>
  parseWith(keySpecSchema, raw).andThen((b) => {
    const expiresAt = b.expiresAt === undefined ? null : new Date(b.expiresAt).toISOString();
    if (expiresAt !== null && Date.parse(expiresAt) <= now) {
      return err({ field: 'expiresAt', detail: 'expiresAt: must be in the future' });
    }
    return ok({
      name: b.name,
      scopes: SCOPES.filter((s) => b.scopes.includes(s)),
      limits: {
        ...(b.limits?.callsPerMinute === undefined
          ? {}
          : { callsPerMinute: b.limits.callsPerMinute }),
        ...(b.limits?.tokensPerMinute === undefined
          ? {}
          : { tokensPerMinute: b.limits.tokensPerMinute }),
      },
      budgets: b.budgets ?? [],
      levels: b.levels ?? null,
      models: b.models ?? null,
      expiresAt,
    });
  });

/** Validates a rotation body (an empty or absent body is no overlap). */
export const parseKeyRotation = (raw: unknown): Result<number, KeyInputProblem> =>
  parseWith(keyRotationSchema, raw ?? {}).map((b) => b.overlapSeconds ?? 0);
