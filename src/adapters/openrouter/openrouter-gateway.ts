import type { Tracer } from '@opentelemetry/api';
import { isBrokenCircuitError } from 'cockatiel';
import { err, errAsync, ok, ResultAsync } from 'neverthrow';
import { inferenceError, type InferenceError, type PriceTable } from '../../domain';
import type {
  CircuitState,
  Completion,
  CompletionRequest,
  GenerationLookup,
  HealthReport,
  LlmGateway,
  StreamControl,
  StreamFailure,
} from '../../ports';
import { completionAttributes, inAttemptSpan } from './attempt-span';
import {
  callFailure,
  circuitOpen,
  isUpstreamFailure,
  networkReason,
  UpstreamFailure,
  type CallTally,
} from './failure';
import { generationLookupOf } from './generation';
import { httpGet, pricesFrom, probeUpstream, type Get } from './health';
import { nodeHttpFetch, type HttpFetch, type HttpReply } from './node-http-fetch';
import { nodeHttpStream, type HttpStreamFetch } from './node-http-stream';
import { streamCompletion, type StreamDeps } from './openrouter-stream';
import {
  makePolicies,
  type Policies,
  type ResilienceEvent,
  type ResilienceSettings,
} from './resilience';
import { parseRetryAfter } from './retry-after';
import {
  chatBody,
  completionOf,
  httpFailure,
  scrub,
  upstreamHeaders,
  type UpstreamIdentity,
} from './wire';

/** Configuration (`openrouter.*`). An empty `apiKey` leaves the gateway degraded. */
export interface OpenRouterSettings extends UpstreamIdentity, ResilienceSettings {
  /** Without a trailing slash, e.g. `https://openrouter.ai/api/v1`. */
  readonly baseUrl: string;
  /** Streams: the wait for the first chunk and between chunks (default: `timeoutMs`). */
  readonly streamTimeouts?: { readonly firstTokenMs: number; readonly idleMs: number };
}

/** What the gateway reports as it works: for logs, metrics and tests. Never holds the key. */
export type GatewayEvent =
  | ResilienceEvent
  | { readonly type: 'AttemptStarted'; readonly attempt: number; readonly model: string };

/** Collaborators, all optional: real ones by default. */
export interface OpenRouterDeps {
  /** Default: node:http(s) with keep-alive agents (the global fetch fits too, at ~4× the CPU). */
  readonly fetch?: HttpFetch;
  /** For streamed calls. Default: node:http(s) with keep-alive agents of its own. */
  readonly streamFetch?: HttpStreamFetch;
  /** Jitter source in [0, 1). */
  readonly random?: () => number;
  readonly onEvent?: (e: GatewayEvent) => void;
  /** Traces each attempt in a CLIENT span and sends its `traceparent` (tracing on). */
  readonly tracer?: Tracer | undefined;
}

/**
 * The LlmGateway over OpenRouter's chat completions API: cockatiel retries with backoff and
 * `Retry-After`, a per-attempt timeout and a circuit breaker. Expected failures are
 * InferenceError values carrying `attempts` and `upstreamStatus`; the key is never in them.
 */
export class OpenRouterGateway implements LlmGateway {
  private readonly policies: Policies;
  private readonly headers: Record<string, string>;
  private readonly fetch: HttpFetch;
  private readonly emit: (e: GatewayEvent) => void;
  private readonly get: Get;
  private readonly streams: StreamDeps;
  private readonly tracer: Tracer | undefined;

  constructor(
    private readonly s: OpenRouterSettings,
    deps: OpenRouterDeps = {},
  ) {
    this.fetch = deps.fetch ?? nodeHttpFetch();
    this.emit = deps.onEvent ?? (() => undefined);
    this.tracer = deps.tracer;
    this.headers = upstreamHeaders(s);
    this.policies = makePolicies(s, deps.random ?? Math.random, this.emit);
    this.get = httpGet({
      fetch: this.fetch,
      baseUrl: s.baseUrl,
      headers: this.headers,
      timeout: this.policies.probeTimeout,
      timeoutMs: s.timeoutMs,
      clean: (text) => scrub(text, s.apiKey),
    });
    this.streams = {
      fetch: deps.streamFetch ?? nodeHttpStream(),
      url: `${s.baseUrl}/chat/completions`,
      headers: this.headers,
      apiKey: s.apiKey,
      policies: this.policies,
      firstTokenTimeoutMs: s.streamTimeouts?.firstTokenMs ?? s.timeoutMs,
      idleTimeoutMs: s.streamTimeouts?.idleMs ?? s.timeoutMs,
      onAttempt: () => undefined,
      tracer: deps.tracer,
    };
  }

  complete(req: CompletionRequest): ResultAsync<Completion, InferenceError> {
    if (this.s.apiKey === '') {
      const detail = 'no OpenRouter API key is configured';
      return errAsync(inferenceError('unavailable', detail, { attempts: 0 }));
    }
    const tally: CallTally = { attempts: 0, timeouts: 0 };
    const body = chatBody(req);
    const settled = this.policies.policy
      .execute(({ signal }) => this.attempt(req, body, signal, tally), req.signal)
      .then(
        (c) => ok<Completion, InferenceError>(c),
        (e: unknown) =>
          err<Completion, InferenceError>(
            req.signal?.aborted ? cancelled(tally) : this.failureOf(e, tally),
          ),
      );
    return new ResultAsync(settled);
  }

  stream(req: CompletionRequest, control: StreamControl): ResultAsync<Completion, StreamFailure> {
    if (this.s.apiKey === '') {
      const error = inferenceError('unavailable', 'no OpenRouter API key is configured', {
        attempts: 0,
      });
      const partial = { text: '', usage: null, model: req.model, upstreamId: null, attempts: 0 };
      return errAsync({ error, cancelled: false, partial: { ...partial, delivered: false } });
    }
    const onAttempt = (attempt: number) =>
      this.emit({ type: 'AttemptStarted', attempt, model: req.model });
    return streamCompletion({ ...this.streams, onAttempt }, req, control);
  }

  generation(
    upstreamId: string,
    signal?: AbortSignal,
  ): ResultAsync<GenerationLookup, InferenceError> {
    if (this.s.apiKey === '') {
      return errAsync(inferenceError('unavailable', 'no OpenRouter API key is configured'));
    }
    const asked = this.get(`/generation?id=${encodeURIComponent(upstreamId)}`, true, signal);
    return new ResultAsync(asked.then(generationLookupOf));
  }

  probe(): Promise<HealthReport> {
    return probeUpstream(this.get, this.s.apiKey !== '', Date.now);
  }

  async prices(): Promise<PriceTable> {
    const models = await this.get('/models', this.s.apiKey !== '');
    return models.status !== undefined && models.status < 300 ? pricesFrom(models.text) : {};
  }

  circuitState(): CircuitState {
    return this.policies.state();
  }

  /** One upstream attempt; throws an UpstreamFailure for the policies to classify. */
  private async attempt(
    req: CompletionRequest,
    body: string,
    signal: AbortSignal,
    tally: CallTally,
  ): Promise<Completion> {
    const attempt = ++tally.attempts;
    this.emit({ type: 'AttemptStarted', attempt, model: req.model });
    return inAttemptSpan(
      this.tracer,
      req.parentSpan,
      req.model,
      attempt,
      this.headers,
      (headers) => this.send(req, body, signal, tally, headers),
      completionAttributes,
    );
  }

  /** Sends one attempt and reads its answer. */
  private async send(
    req: CompletionRequest,
    body: string,
    signal: AbortSignal,
    tally: CallTally,
    headers: Readonly<Record<string, string>>,
  ): Promise<Completion> {
    const { model, signal: caller } = req;
    const attempt = tally.attempts;
    let res: HttpReply;
    let text: string;
    try {
      const url = `${this.s.baseUrl}/chat/completions`;
      res = await this.fetch(url, { method: 'POST', headers, body, signal });
      // The headers came before the body: the generation id is known while the answer is not.
      const id = res.headers.get('x-generation-id');
      if (id && req.onUpstreamId && res.ok) req.onUpstreamId(id);
      text = await res.text();
    } catch (e) {
      // The caller gave up (shutdown): not the upstream's fault, so neither retried nor counted.
      if (caller?.aborted) throw new UpstreamFailure('network', 'cancelled by the caller', false);
      if (signal.aborted) {
        tally.timeouts++;
        throw new UpstreamFailure('timeout', `no answer within ${this.s.timeoutMs} ms`, true);
      }
      const why = scrub(`OpenRouter unreachable: ${networkReason(e)}`, this.s.apiKey);
      throw new UpstreamFailure('network', why, true);
    }
    if (res.status < 200 || res.status > 299) {
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), Date.now());
      throw httpFailure(res.status, text, retryAfterMs, this.s.apiKey);
    }
    return completionOf(text, { model, attempts: attempt, apiKey: this.s.apiKey });
  }

  /** The InferenceError for a failed call; anything unexpected is a bug and is rethrown. */
  private failureOf(e: unknown, tally: CallTally): InferenceError {
    if (isBrokenCircuitError(e)) return circuitOpen(this.policies.reopensInMs());
    if (!isUpstreamFailure(e)) throw e;
    return callFailure(e, tally, this.s.timeoutMs);
  }
}

/** The failure of a call its caller aborted: no retry, no circuit count; the caller records it. */
const cancelled = (tally: CallTally): InferenceError =>
  inferenceError('unavailable', 'the request was aborted by its caller', {
    attempts: tally.attempts,
  });
