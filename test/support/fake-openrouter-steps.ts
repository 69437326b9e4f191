import {
  completionReply,
  errorReply,
  keyReply,
  messageFor,
  modelsReply,
  requestOf,
  type FakeCompletion,
  type FakePricing,
} from './fake-openrouter-replies';
import type { StreamScript } from './fake-openrouter-stream';

/** The routes the fake serves, under `/api/v1` (as OpenRouter) or at the root. */
export type FakeRoute = 'POST /chat/completions' | 'GET /key' | 'GET /models' | 'GET /generation';

/** An HTTP reply with a status other than the normal one, optionally delayed. */
export interface FakeReply {
  readonly status: number;
  /** Sent as the `Retry-After` header: seconds, or an HTTP date. */
  readonly retryAfter?: string | number;
  /** OpenRouter's `error.message`; defaults to its usual text for the status. */
  readonly message?: string;
  /** Waits this long before replying (a 200 then answers normally). */
  readonly delayMs?: number;
}

/**
 * What the fake does with one scripted request: a status (200 answers normally), `reset` (drops
 * the connection), `malformed` (200 with a body that is not JSON), `no-choices` (200 without
 * `choices`), `hang` (never answers), a FakeReply, a 200 whose body is an error object, or a
 * 200 answer changed by `reply` (other content, tool calls, reasoning or cached tokens…), or a
 * script for a streamed reply.
 */
export type FakeStep =
  | number
  | 'reset'
  | 'malformed'
  | 'no-choices'
  | 'hang'
  | FakeReply
  | { readonly errorIn200: { readonly code?: number | string; readonly message: string } }
  | { readonly reply: FakeCompletion }
  /** For a `stream: true` request: how to stream it (a request that does not stream answers normally). */
  | { readonly stream: StreamScript };

/** What the server does: nothing (hang), drop the connection, or send a reply. */
export type FakeAction =
  | { readonly kind: 'hang' }
  | { readonly kind: 'reset' }
  | {
      readonly kind: 'send';
      readonly status: number;
      readonly body: string;
      readonly headers?: readonly string[];
      readonly delayMs: number;
    };

const send = (status: number, body: object | string, delayMs = 0, headers?: string[]) =>
  ({
    kind: 'send',
    status,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    delayMs,
    ...(headers ? { headers } : {}),
  }) as const;

/**
 * The normal answer of a route; a chat body without model or messages is a 400. Models in
 * `failing` do not answer: the first of `[model, ...models]` that does answers (as OpenRouter
 * falls back), and when none does the reply is OpenRouter's 503.
 */
export const normalReply = (
  route: FakeRoute,
  text: string | undefined,
  models: Readonly<Record<string, FakePricing>>,
  failing: ReadonlySet<string> = new Set(),
  over: FakeCompletion = {},
): FakeAction => {
  if (route === 'GET /key') return send(200, keyReply());
  if (route === 'GET /models') return send(200, modelsReply(models));
  const req = requestOf(parse(text));
  if (!req) return send(400, errorReply(400, 'model and messages required'));
  const answering = [req.model, ...(req.fallbacks ?? [])].find((m) => !failing.has(m));
  if (answering === undefined) return send(503, errorReply(503, messageFor(503)));
  const reply = completionReply(req, models, { model: answering, ...over }) as { id: string };
  return send(200, reply, 0, ['x-generation-id', reply.id]);
};

/** What a step does (pure: the server carries it out). */
export const actionOf = (
  step: FakeStep,
  route: FakeRoute,
  text: string | undefined,
  models: Readonly<Record<string, FakePricing>>,
  failing: ReadonlySet<string> = new Set(),
): FakeAction => {
  if (step === 'hang' || step === 'reset') return { kind: step };
  if (typeof step === 'object' && 'reply' in step) {
    return normalReply(route, text, models, failing, step.reply);
  }
  if (step === 'malformed') return send(200, '{"id":"gen-');
  if (step === 'no-choices')
    return send(200, { id: 'gen-none', model: 'x', choices: [], usage: {} });
  if (typeof step === 'object' && 'stream' in step) return normalReply(route, text, models);
  if (typeof step === 'object' && 'errorIn200' in step) {
    return send(200, errorReply(step.errorIn200.code ?? 502, step.errorIn200.message));
  }
  const r: FakeReply = typeof step === 'number' ? { status: step } : step;
  if (r.status === 200) {
    const normal = normalReply(route, text, models, failing);
    return normal.kind === 'send' ? { ...normal, delayMs: r.delayMs ?? 0 } : normal;
  }
  const headers = r.retryAfter === undefined ? undefined : ['retry-after', String(r.retryAfter)];
  return send(
    r.status,
    errorReply(r.status, r.message ?? messageFor(r.status)),
    r.delayMs,
    headers,
  );
};

/** The JSON in `text`, or undefined. */
export const parse = (text: string | undefined): unknown => {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};
