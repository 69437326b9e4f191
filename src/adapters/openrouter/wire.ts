import { scrubSecret, toWellFormed } from '../../domain';
import type { Completion, CompletionRequest } from '../../ports';
import { isRetryableStatus, UpstreamFailure } from './failure';

/** Who we are to OpenRouter (CONTRACT §4). */
export interface UpstreamIdentity {
  readonly apiKey: string;
  readonly httpReferer: string;
  readonly appTitle: string;
}

/** Header values must be printable ASCII; anything else is percent-encoded rather than refused. */
const headerSafe = (v: string): string => v.replace(/[^\x20-\x7e]/g, (c) => encodeURIComponent(c));

/** The headers of every upstream request: bearer key, attribution, JSON. */
export const upstreamHeaders = (id: UpstreamIdentity): Record<string, string> => {
  const h: Record<string, string> = {
    Authorization: `Bearer ${id.apiKey}`,
    'Content-Type': 'application/json',
  };
  if (id.httpReferer !== '') h['HTTP-Referer'] = headerSafe(id.httpReferer);
  if (id.appTitle !== '') {
    h['X-Title'] = headerSafe(id.appTitle);
    h['X-OpenRouter-Title'] = headerSafe(id.appTitle);
  }
  return h;
};

/** The chat completion body: `{ model, messages, max_tokens?, temperature? }`, system first. */
export const chatBody = (req: CompletionRequest): string => {
  const messages: Array<{ role: 'system' | 'user'; content: string }> = [];
  if (req.system !== undefined && req.system !== '') {
    messages.push({ role: 'system', content: req.system });
  }
  messages.push({ role: 'user', content: req.input });
  const body: Record<string, unknown> = { model: req.model, messages };
  if (req.maxOutputTokens !== undefined) body.max_tokens = req.maxOutputTokens;
  if (req.temperature !== undefined) body.temperature = req.temperature;
  return JSON.stringify(body);
};

const MAX_MESSAGE = 500;

/**
 * Upstream text made safe to keep or show: the key scrubbed (in any case, and any run of 12 or
 * more of its characters: an echo must not leak it) and lone surrogates repaired.
 */
export const cleanUpstream = (text: string, apiKey: string): string =>
  toWellFormed(scrubSecret(text, apiKey));

/** An upstream message made safe (see cleanUpstream) and bounded in length. */
export const scrub = (text: string, apiKey: string): string => {
  const clean = cleanUpstream(text, apiKey);
  return clean.length > MAX_MESSAGE ? `${clean.slice(0, MAX_MESSAGE)}…` : clean;
};

const parse = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const count = (v: unknown): number => (typeof v === 'number' && v >= 0 ? Math.round(v) : 0);

/** OpenRouter's `{ error: { code, message } }`, if the body is one. */
export const upstreamError = (body: unknown): { code: unknown; message: string } | undefined => {
  if (!isObject(body) || !isObject(body.error)) return undefined;
  const m = body.error.message;
  return { code: body.error.code, message: typeof m === 'string' ? m : 'error without a message' };
};

/** Reads a non-2xx reply into a failure, keeping OpenRouter's message (never the key). */
export const httpFailure = (
  status: number,
  text: string,
  retryAfterMs: number | undefined,
  apiKey: string,
): UpstreamFailure => {
  const e = upstreamError(parse(text));
  const said = e?.message ?? (text.trim() === '' ? '' : text.trim());
  const message = scrub(`OpenRouter answered ${status}${said ? `: ${said}` : ''}`, apiKey);
  return new UpstreamFailure('http', message, isRetryableStatus(status), status, retryAfterMs);
};

/**
 * Reads a 2xx reply. A body that is not JSON, carries `error`, or has no `choices` is a failure
 * (CONTRACT §4); the first and last are upstream glitches worth a retry, and so is an error body
 * unless its code names a status that is the request's own fault.
 */
export const completionOf = (
  text: string,
  call: { readonly model: string; readonly attempts: number; readonly apiKey: string },
): Completion => {
  const { attempts, apiKey } = call;
  const body = parse(text);
  if (!isObject(body))
    throw new UpstreamFailure('malformed', 'OpenRouter sent an unparseable body', true);
  const e = upstreamError(body);
  if (e) {
    const code = typeof e.code === 'number' && e.code >= 100 && e.code <= 599 ? e.code : undefined;
    const message = scrub(
      `OpenRouter answered 200 with error ${String(e.code ?? '')}: ${e.message}`,
      apiKey,
    );
    throw new UpstreamFailure(
      'error-body',
      message,
      code === undefined || isRetryableStatus(code),
      code,
    );
  }
  const first = Array.isArray(body.choices) ? (body.choices[0] as unknown) : undefined;
  const message = isObject(first) && isObject(first.message) ? first.message : undefined;
  const content = message?.content;
  if (!message || (typeof content !== 'string' && content !== null)) {
    throw new UpstreamFailure('no-choices', 'OpenRouter sent a reply without choices', true);
  }
  const usage = isObject(body.usage) ? body.usage : {};
  return {
    text: cleanUpstream(content ?? '', apiKey),
    inputTokens: count(usage.prompt_tokens),
    outputTokens: count(usage.completion_tokens),
    model:
      typeof body.model === 'string' && body.model !== ''
        ? cleanUpstream(body.model, apiKey)
        : call.model,
    upstreamId: typeof body.id === 'string' ? cleanUpstream(body.id, apiKey) : null,
    reportedCostUsd: typeof usage.cost === 'number' && usage.cost >= 0 ? usage.cost : null,
    attempts,
  };
};
