import { z } from 'zod';
import { err, ok, type Result } from 'neverthrow';
import { inferenceError, type InferenceError } from './errors';
import { LEVELS, type Level } from './levels';
import { illFormedPath } from './well-formed';

/** An association id (project, agent, command, turn): a plain id from another system. */
export const associationIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters');

const association = associationIdSchema.optional();

/** Checks an association id given as a filter; the message completes "<name>: …". */
export const associationIdProblem = (value: string): string | undefined => {
  const r = associationIdSchema.safeParse(value);
  return r.success ? undefined : r.error.issues[0]?.message;
};

/**
 * The schema of an inference request (CONTRACT §1). One definition validates HTTP bodies and
 * library calls and generates the OpenAPI document. Unknown fields are ignored.
 */
export const inferenceRequestSchema = (maxInputChars: number) =>
  z.object({
    level: z.enum(LEVELS),
    purpose: z.string().min(1).max(200),
    input: z.string().min(1).max(maxInputChars),
    system: z.string().optional(),
    maxOutputTokens: z.number().int().min(1).optional(),
    temperature: z.number().min(0).max(2).optional(),
    projectId: association,
    agentId: association,
    commandId: association,
    turnId: association,
    cache: z.boolean().optional(),
  });

/** A validated inference request. */
export interface InferenceRequest {
  readonly level: Level;
  readonly purpose: string;
  readonly input: string;
  readonly system?: string | undefined;
  readonly maxOutputTokens?: number | undefined;
  readonly temperature?: number | undefined;
  readonly projectId?: string | undefined;
  readonly agentId?: string | undefined;
  readonly commandId?: string | undefined;
  readonly turnId?: string | undefined;
  /** `false` skips the cache read; default true. */
  readonly cache?: boolean | undefined;
}

/** Validates a request with a schema from `inferenceRequestSchema`; the error names the field. */
export const parseInferenceRequest = (
  schema: ReturnType<typeof inferenceRequestSchema>,
  raw: unknown,
): Result<InferenceRequest, InferenceError> => {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return err(inferenceError('invalid_request', 'request body must be a JSON object'));
  }
  // Before the schema: a lone surrogate would pass it, go upstream, and then fail to store.
  const illFormed = illFormedPath(raw);
  if (illFormed !== undefined) {
    const field = illFormed || 'body';
    const detail = `${field}: not well-formed Unicode (a lone surrogate)`;
    return err(inferenceError('invalid_request', detail, { field }));
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return ok(parsed.data);
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.') || 'body';
  return err(
    inferenceError('invalid_request', `${field}: ${issue?.message ?? 'invalid'}`, { field }),
  );
};

/** What a caller gets back (CONTRACT §1, FR6, FR13). */
export interface InferenceResult {
  readonly callId: string;
  readonly level: Level;
  readonly model: string;
  readonly text: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly latencyMs: number;
  readonly costUsd: number;
  readonly cached: boolean;
}

/**
 * Tokens reserved against `tokens_per_minute` before a call: a prompt estimate (4 characters a
 * token, rounded up) plus the requested output, or this default when none is requested. The
 * reservation is corrected to the actual usage when the call returns.
 */
export const DEFAULT_OUTPUT_RESERVATION = 1024;

/** The token reservation for a request (see DEFAULT_OUTPUT_RESERVATION). */
export const estimateTokens = (req: InferenceRequest): number =>
  Math.ceil(((req.system?.length ?? 0) + req.input.length) / 4) +
  (req.maxOutputTokens ?? DEFAULT_OUTPUT_RESERVATION);
