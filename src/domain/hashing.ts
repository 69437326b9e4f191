import { hash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { conversationOf, type InferenceRequest } from './request';

/**
 * SHA-256 hex of the canonical input (FR7, FR24): the prompt or the conversation. A lone user
 * message hashes as its text, so a plain `input` hashes as before conversations existed; any
 * other conversation hashes as its canonical JSON, so equal conversations hash equal.
 */
export const inputHash = (req: InferenceRequest): string => {
  const messages = conversationOf(req);
  const only = messages.length === 1 ? messages[0] : undefined;
  if (only && only.role === 'user' && only.toolCalls === undefined) {
    return hash('sha256', only.content, 'hex');
  }
  return hash('sha256', canonicalJson(messages), 'hex');
};

/**
 * Request fields that do not change the answer, and so stay out of the cache key. Every other
 * field is in it: a field added to the request is keyed unless it is listed here on purpose.
 * `level` only picks the model, which is keyed itself; `input`/`system`/`messages` are keyed as
 * their conversation, so a prompt and the same conversation written out share answers.
 */
export const NOT_IN_CACHE_KEY = [
  'level',
  'purpose',
  'stream',
  'cache',
  'projectId',
  'agentId',
  'commandId',
  'turnId',
  'input',
  'system',
  'messages',
] as const;

const EXCLUDED: ReadonlySet<string> = new Set(NOT_IN_CACHE_KEY);

/** What the cache key is made of: the request, and the models it will be sent to. */
export interface CacheKeyParts {
  readonly model: string;
  /** Models OpenRouter may fall back to, in order. */
  readonly fallbacks?: readonly string[] | undefined;
  readonly request: InferenceRequest;
}

/**
 * The cache key: SHA-256 over canonical JSON (sorted keys, so no two different requests collide
 * by concatenation or key order) of the models, the conversation and every other field of the
 * request but those in NOT_IN_CACHE_KEY. `model` in the request is keyed as the model used.
 */
export const cacheKey = (p: CacheKeyParts): string => {
  const params: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p.request)) {
    if (!EXCLUDED.has(k) && k !== 'model' && v !== undefined) params[k] = v;
  }
  return hash(
    'sha256',
    canonicalJson(['v2', p.model, p.fallbacks ?? [], conversationOf(p.request), params]),
    'hex',
  );
};

/**
 * An event id derived from what the event settles (e.g. `interrupted:<callId>`), the same
 * whichever instance makes it: two instances settling or reconciling one call at once append
 * one event, as appends are idempotent by event id. A UUID in form (version 5 bits, no more).
 */
export const derivedEventId = (what: string): string => {
  const h = hash('sha256', what, 'hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
