import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  completionReply,
  DEFAULT_FAKE_MODELS,
  errorReply,
  keyReply,
  messageFor,
  modelsReply,
  requestOf,
  type FakePricing,
} from './fake-openrouter-replies';

/** The routes the fake serves, under `/api/v1` (as OpenRouter) or at the root. */
export type FakeRoute = 'POST /chat/completions' | 'GET /key' | 'GET /models';

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
 * `choices`), `hang` (never answers), a FakeReply, or a 200 whose body is an error object.
 */
export type FakeStep =
  | number
  | 'reset'
  | 'malformed'
  | 'no-choices'
  | 'hang'
  | FakeReply
  | { readonly errorIn200: { readonly code?: number | string; readonly message: string } };

/** One request as the fake received it. */
export interface Received {
  readonly method: string;
  readonly path: string;
  /** Lower-cased header names, as Node parses them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The parsed JSON body, the raw text when it is not JSON, or undefined for GETs. */
  readonly body: unknown;
}

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

const ROUTES: Readonly<Record<string, FakeRoute>> = {
  'POST /chat/completions': 'POST /chat/completions',
  'GET /key': 'GET /key',
  'GET /models': 'GET /models',
};

/**
 * A fake OpenRouter on loopback: OpenRouter's reply shapes, deterministic answers (the in-memory
 * gateway's `answerTo`), a required bearer key, and per-request scripted faults for tests.
 */
export class FakeOpenRouter {
  /** Every request received, in order (when recording). */
  readonly received: Received[] = [];
  /** Added before every reply; may be changed while running. */
  latencyMs: number;
  private readonly scripts = new Map<FakeRoute, FakeStep[]>();
  private fallback: FakeStep | undefined;
  private waiters: Array<{ n: number; resolve: () => void }> = [];
  private readonly auth: string;
  private readonly record: boolean;
  private readonly models: Readonly<Record<string, FakePricing>>;
  private readonly server: Server;
  private readonly answers = new Map<string, string>();

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

  /** Forgets scripts, the default step and what was received. */
  clear(): void {
    this.scripts.clear();
    this.fallback = undefined;
    this.received.length = 0;
  }

  /** Chat completion requests received so far. */
  completions(): Received[] {
    return this.received.filter((r) => r.method === 'POST');
  }

  /** Resolves once `n` requests in all have been received. */
  requests(n: number): Promise<void> {
    if (this.received.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
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
    const route = ROUTES[`${req.method} ${path}`];
    if (!route) {
      this.send(res, 404, JSON.stringify(errorReply(404, `no route ${req.method} ${path}`)));
      return;
    }
    if (req.method !== 'POST') {
      this.respond(route, req, res, undefined);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = chunks.length === 1 ? chunks[0]!.toString() : Buffer.concat(chunks).toString();
      this.respond(route, req, res, text);
    });
  }

  private respond(route: FakeRoute, req: IncomingMessage, res: ServerResponse, text?: string) {
    if (this.record) {
      this.received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        // Kept as text when it is not JSON: the read-back shows exactly what arrived.
        body: text === undefined ? undefined : (parse(text) ?? text),
      });
      this.wake();
    }
    if (route !== 'GET /models' && req.headers.authorization !== this.auth) {
      this.later(res, 0, () =>
        this.send(res, 401, JSON.stringify(errorReply(401, messageFor(401)))),
      );
      return;
    }
    const step =
      this.scripts.get(route)?.shift() ??
      (route === 'POST /chat/completions' ? this.fallback : undefined);
    this.play(step ?? 200, route, req, res, text);
  }

  private play(
    step: FakeStep,
    route: FakeRoute,
    req: IncomingMessage,
    res: ServerResponse,
    text: string | undefined,
  ) {
    if (step === 'hang') return;
    if (step === 'reset') {
      req.socket.destroy();
      return;
    }
    if (step === 'malformed') return this.later(res, 0, () => this.send(res, 200, '{"id":"gen-'));
    if (step === 'no-choices') {
      return this.later(res, 0, () =>
        this.send(res, 200, JSON.stringify({ id: 'gen-none', model: 'x', choices: [], usage: {} })),
      );
    }
    if (typeof step === 'object' && 'errorIn200' in step) {
      const e = step.errorIn200;
      return this.later(res, 0, () =>
        this.send(res, 200, JSON.stringify(errorReply(e.code ?? 502, e.message))),
      );
    }
    const reply: FakeReply = typeof step === 'number' ? { status: step } : step;
    this.later(res, reply.delayMs ?? 0, () => {
      if (reply.status !== 200) {
        const headers =
          reply.retryAfter === undefined ? undefined : ['retry-after', String(reply.retryAfter)];
        const text = reply.message ?? messageFor(reply.status);
        return this.send(
          res,
          reply.status,
          JSON.stringify(errorReply(reply.status, text)),
          headers,
        );
      }
      this.normal(route, res, text);
    });
  }

  private normal(route: FakeRoute, res: ServerResponse, text: string | undefined): void {
    if (route === 'GET /key') return this.send(res, 200, JSON.stringify(keyReply()));
    if (route === 'GET /models')
      return this.send(res, 200, JSON.stringify(modelsReply(this.models)));
    const known = this.answers.get(text ?? '');
    if (known !== undefined) return this.send(res, 200, known);
    const body = text === undefined ? undefined : parse(text);
    const req = typeof body === 'object' && body !== null ? requestOf(body) : undefined;
    if (!req)
      return this.send(res, 400, JSON.stringify(errorReply(400, 'model and messages required')));
    const reply = JSON.stringify(completionReply(req, this.models));
    // Answers are pure functions of the body: remembering a bounded few spares benchmarks the work.
    if (this.answers.size >= 1024) this.answers.clear();
    this.answers.set(text ?? '', reply);
    this.send(res, 200, reply);
  }

  /** Runs `fn` after the latency plus `extraMs`; a client that disconnects cancels it. */
  private later(res: ServerResponse, extraMs: number, fn: () => void): void {
    const ms = this.latencyMs + extraMs;
    if (ms <= 0) return fn();
    const t = setTimeout(fn, ms);
    res.once('close', () => clearTimeout(t));
  }

  private send(res: ServerResponse, status: number, text: string, extra?: string[]): void {
    if (res.destroyed) return;
    const headers = [
      'content-type',
      'application/json',
      'content-length',
      String(Buffer.byteLength(text)),
    ];
    if (extra) headers.push(...extra);
    res.sendDate = false;
    res.writeHead(status, headers);
    res.end(text);
  }

  private wake(): void {
    if (this.waiters.length === 0) return;
    const n = this.received.length;
    const due = this.waiters.filter((w) => w.n <= n);
    this.waiters = this.waiters.filter((w) => w.n > n);
    for (const w of due) w.resolve();
  }
}

const parse = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};
