import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  completionReply,
  DEFAULT_FAKE_MODELS,
  errorReply,
  messageFor,
  type FakePricing,
} from './fake-openrouter-replies';
import { FakeGenerations } from './fake-openrouter-generations';
import {
  actionOf,
  normalReply,
  parse,
  type FakeAction,
  type FakeRoute,
  type FakeStep,
} from './fake-openrouter-steps';
import { ReceivedLog, type Received } from './fake-openrouter-received';
import { requestOf } from './fake-openrouter-replies';
import { playStream, type StreamEnd, type StreamScript } from './fake-openrouter-stream';

export type { FakeReply, FakeRoute, FakeStep } from './fake-openrouter-steps';
export type { FakeCompletion } from './fake-openrouter-replies';
export type { Received } from './fake-openrouter-received';
export type { StreamEnd, StreamScript } from './fake-openrouter-stream';
export type { FakeGeneration } from './fake-openrouter-generations';

/** How to start the fake. */
export interface FakeOpenRouterOptions {
  /** The bearer key it accepts (default `sk-or-fake-key`). */
  readonly apiKey?: string;
  /** Added before every reply (default 0: answer at once). */
  readonly latencyMs?: number;
  readonly host?: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Keep every request for read-back (default true; benchmarks turn it off). */
  readonly record?: boolean;
  readonly models?: Readonly<Record<string, FakePricing>>;
}

/** The key the fake accepts unless told otherwise. */
export const FAKE_API_KEY = 'sk-or-fake-key';

const ROUTES: ReadonlySet<string> = new Set<FakeRoute>([
  'POST /chat/completions',
  'GET /key',
  'GET /models',
  'GET /generation',
]);

/**
 * A fake OpenRouter on loopback: OpenRouter's reply shapes, deterministic answers (the in-memory
 * gateway's `answerTo`), a required bearer key, and per-request scripted faults for tests.
 */
export class FakeOpenRouter {
  private readonly log = new ReceivedLog();
  /** Added before every reply; may be changed while running. */
  latencyMs: number;
  /**
   * Send a delayed answer's headers (with `X-Generation-Id`) at once and its body after the
   * latency, so a client knows the generation id while the answer is still coming.
   */
  headersFirst = false;
  /** What it charged (when recording), and its `/generation` (`generations.delayMs`: 404s). */
  readonly generations = new FakeGenerations();
  private readonly scripts = new Map<FakeRoute, FakeStep[]>();
  private fallback: FakeStep | undefined;
  private readonly auth: string;
  private readonly record: boolean;
  private readonly models: Readonly<Record<string, FakePricing>>;
  private readonly server: Server;
  private readonly answers = new Map<string, FakeAction>();
  /** How each streamed reply ended, in order. */
  readonly streamEnds: StreamEnd[] = [];
  private endWaiters: Array<{ n: number; resolve: () => void }> = [];
  private readonly failing = new Set<string>();

  private constructor(options: FakeOpenRouterOptions) {
    this.auth = `Bearer ${options.apiKey ?? FAKE_API_KEY}`;
    this.latencyMs = options.latencyMs ?? 0;
    this.record = options.record ?? true;
    this.models = options.models ?? DEFAULT_FAKE_MODELS;
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 30_000;
  }

  /** Starts a fake on loopback (a free port unless one is given). */
  static async start(options: FakeOpenRouterOptions = {}): Promise<FakeOpenRouter> {
    const fake = new FakeOpenRouter(options);
    await new Promise<void>((resolve, reject) => {
      fake.server.once('error', reject);
      fake.server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    return fake;
  }

  /** The base URL to configure as `openrouter.base_url`. */
  get baseUrl(): string {
    const a = this.server.address() as AddressInfo;
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return `http://${host}:${a.port}/api/v1`;
  }

  /** The port it listens on. */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Scripts the next chat completions, one step per request; later ones answer normally. */
  script(...steps: FakeStep[]): this {
    return this.scriptRoute('POST /chat/completions', ...steps);
  }

  /** Scripts the next requests to one route. */
  scriptRoute(route: FakeRoute, ...steps: FakeStep[]): this {
    const queue = this.scripts.get(route) ?? [];
    queue.push(...steps);
    this.scripts.set(route, queue);
    return this;
  }

  /** What every unscripted chat completion does from now on (undefined: answer normally). */
  always(step: FakeStep | undefined): this {
    this.fallback = step;
    return this;
  }

  /**
   * Models that fail from now on: a request whose `models` list names another answers from the
   * first that does not fail (OpenRouter's fallback); one with none left gets a 503.
   */
  failModels(...models: string[]): this {
    for (const m of models) this.failing.add(m);
    this.answers.clear();
    return this;
  }

  /** Forgets scripts, the default step, failing models and what was received. */
  clear(): void {
    this.scripts.clear();
    this.fallback = undefined;
    this.failing.clear();
    this.answers.clear();
    this.log.clear();
    this.streamEnds.length = 0;
    this.generations.clear();
  }

  /** Every request received, in order (when recording). */
  get received(): readonly Received[] {
    return this.log.all;
  }

  /** Chat completion requests received so far. */
  completions(): Received[] {
    return this.log.all.filter((r) => r.method === 'POST');
  }

  /** Resolves once `n` streamed replies have ended (sent in full, or cut by the client). */
  streamsEnded(n: number): Promise<void> {
    if (this.streamEnds.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.endWaiters.push({ n, resolve }));
  }

  /** Resolves once `n` requests in all have been received. */
  requests(n: number): Promise<void> {
    return this.log.count(n);
  }

  /** Stops listening and drops open connections (hanging requests included). */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const full = q < 0 ? url : url.slice(0, q);
    const path = full.startsWith('/api/v1/') ? full.slice(7) : full;
    const route = `${req.method} ${path}`;
    if (!ROUTES.has(route)) {
      this.send(res, 404, JSON.stringify(errorReply(404, `no route ${req.method} ${path}`)));
      return;
    }
    if (req.method !== 'POST') {
      this.respond(route as FakeRoute, req, res, undefined);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = chunks.length === 1 ? chunks[0]!.toString() : Buffer.concat(chunks).toString();
      this.respond(route as FakeRoute, req, res, text);
    });
  }

  private respond(route: FakeRoute, req: IncomingMessage, res: ServerResponse, text?: string) {
    if (this.record) {
      this.log.add({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        // Kept as text when it is not JSON: the read-back shows exactly what arrived.
        body: text === undefined ? undefined : (parse(text) ?? text),
      });
    }
    if (route !== 'GET /models' && req.headers.authorization !== this.auth) {
      const body = JSON.stringify(errorReply(401, messageFor(401)));
      return this.act({ kind: 'send', status: 401, body, delayMs: 0 }, res);
    }
    const step =
      this.scripts.get(route)?.shift() ??
      (route === 'POST /chat/completions' ? this.fallback : undefined);
    if (route === 'GET /generation' && step === undefined) {
      return this.act(this.generations.reply(req.url ?? ''), res);
    }
    const streamed = route === 'POST /chat/completions' ? streamedRequest(text) : undefined;
    if (
      streamed &&
      (step === undefined || step === 200 || (typeof step === 'object' && 'stream' in step))
    ) {
      const script = typeof step === 'object' && 'stream' in step ? step.stream : {};
      return this.stream(res, streamed, script);
    }
    if (step === undefined && route === 'POST /chat/completions') return this.answer(res, text);
    const action =
      step === undefined
        ? normalReply(route, text, this.models, this.failing)
        : actionOf(step, route, text, this.models, this.failing);
    this.act(action, res, route === 'POST /chat/completions');
  }

  /** Streams the answer after the usual latency, and notes how the stream ended. */
  private stream(res: ServerResponse, req: StreamedRequest, script: StreamScript): void {
    const charged = this.record
      ? this.generations.charge(completionReply(req, this.models), true)
      : undefined;
    res.once('close', () => {
      if (charged && !res.writableFinished) charged.cancelled = true;
      this.streamEnds.push({ completed: res.writableFinished, at: Date.now() });
      const n = this.streamEnds.length;
      const due = this.endWaiters.filter((w) => w.n <= n);
      this.endWaiters = this.endWaiters.filter((w) => w.n > n);
      for (const w of due) w.resolve();
    });
    const go = () => void playStream(res, req, this.models, script);
    if (this.latencyMs <= 0) return go();
    const t = setTimeout(go, this.latencyMs);
    res.once('close', () => clearTimeout(t));
  }

  /** The unscripted answer: a pure function of the body, so a bounded memo spares benchmarks. */
  private answer(res: ServerResponse, text: string | undefined): void {
    const known = this.answers.get(text ?? '');
    if (known !== undefined) return this.act(known, res);
    const action = normalReply('POST /chat/completions', text, this.models, this.failing);
    if (this.answers.size >= 1024) this.answers.clear();
    this.answers.set(text ?? '', action);
    this.act(action, res, true);
  }

  private act(action: FakeAction, res: ServerResponse, completion = false): void {
    if (action.kind === 'hang') return;
    if (action.kind === 'reset') {
      res.socket?.destroy();
      return;
    }
    // Charged when it begins: a client that goes away still pays for the generation.
    if (completion && action.status === 200 && this.record) {
      this.generations.charge((parse(action.body) ?? {}) as object, false);
    }
    const ms = this.latencyMs + action.delayMs;
    if (ms <= 0) return this.send(res, action.status, action.body, action.headers);
    if (this.headersFirst && action.status === 200) {
      this.head(res, action.status, action.body, action.headers);
      res.flushHeaders();
      const t = setTimeout(() => res.end(action.body), ms);
      res.once('close', () => clearTimeout(t));
      return;
    }
    // A client that gives up cancels the wait.
    const t = setTimeout(() => this.send(res, action.status, action.body, action.headers), ms);
    res.once('close', () => clearTimeout(t));
  }

  private send(res: ServerResponse, status: number, text: string, extra?: readonly string[]): void {
    if (res.destroyed) return;
    this.head(res, status, text, extra);
    res.end(text);
  }

  private head(res: ServerResponse, status: number, text: string, extra?: readonly string[]): void {
    const headers = [
      'content-type',
      'application/json',
      'content-length',
      String(Buffer.byteLength(text)),
    ];
    if (extra) headers.push(...extra);
    res.sendDate = false;
    res.writeHead(status, headers);
  }
}

type StreamedRequest = NonNullable<ReturnType<typeof requestOf>>;

/** The request, when the body asks for a stream (`stream: true`) and is a valid chat body. */
const streamedRequest = (text: string | undefined): StreamedRequest | undefined => {
  const json = parse(text);
  if (typeof json !== 'object' || json === null || (json as { stream?: unknown }).stream !== true)
    return undefined;
  return requestOf(json);
};
