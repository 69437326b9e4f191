import { isBrokenCircuitError } from 'cockatiel';
import { err, errAsync, ok, ResultAsync } from 'neverthrow';
import { inferenceError, type InferenceError, type PriceTable } from '../../domain';
import type {
  CircuitState,
  Completion,
  CompletionRequest,
  HealthReport,
  LlmGateway,
} from '../../ports';
import { isUpstreamFailure, networkReason, UpstreamFailure } from './failure';
import { pricesFrom, probeUpstream, type GetOutcome } from './health';
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
  upstreamError,
  upstreamHeaders,
  type UpstreamIdentity,
} from './wire';

/** Configuration (CONTRACT §3 `openrouter.*`). An empty `apiKey` leaves the gateway degraded. */
export interface OpenRouterSettings extends UpstreamIdentity, ResilienceSettings {
  /** Without a trailing slash, e.g. `https://openrouter.ai/api/v1`. */
  readonly baseUrl: string;
}

/** What the gateway reports as it works: for logs, metrics and tests. Never holds the key. */
export type GatewayEvent =
  | ResilienceEvent
  | { readonly type: 'AttemptStarted'; readonly attempt: number; readonly model: string };

/** Collaborators, all optional: real ones by default. */
export interface OpenRouterDeps {
  /** Default: the global fetch (undici, pooled keep-alive connections). */
  readonly fetch?: typeof fetch;
  /** Jitter source in [0, 1). */
  readonly random?: () => number;
  readonly onEvent?: (e: GatewayEvent) => void;
}

interface Run {
  attempts: number;
  timeouts: number;
}

/**
 * The LlmGateway over OpenRouter's chat completions API: cockatiel retries with backoff and
 * `Retry-After`, a per-attempt timeout and a circuit breaker (CONTRACT §4). Expected failures are
 * InferenceError values carrying `attempts` and `upstreamStatus`; the key is never in them.
 */
export class OpenRouterGateway implements LlmGateway {
  private readonly policies: Policies;
  private readonly headers: Record<string, string>;
  private readonly fetch: typeof fetch;
  private readonly emit: (e: GatewayEvent) => void;

  constructor(
    private readonly s: OpenRouterSettings,
    deps: OpenRouterDeps = {},
  ) {
    this.fetch = deps.fetch ?? ((input, init) => fetch(input, init));
    this.emit = deps.onEvent ?? (() => undefined);
    this.headers = upstreamHeaders(s);
    this.policies = makePolicies(s, deps.random ?? Math.random, this.emit);
  }

  complete(req: CompletionRequest): ResultAsync<Completion, InferenceError> {
    if (this.s.apiKey === '') {
      return errAsync(
        inferenceError('unavailable', 'no OpenRouter API key is configured', { attempts: 0 }),
      );
    }
    const run: Run = { attempts: 0, timeouts: 0 };
    const body = chatBody(req);
    const settled = this.policies.policy
      .execute(({ signal }) => this.attempt(req.model, body, signal, run))
      .then(
        (c) => ok<Completion, InferenceError>(c),
        (e: unknown) => err<Completion, InferenceError>(this.failureOf(e, run)),
      );
    return new ResultAsync(settled);
  }

  probe(): Promise<HealthReport> {
    return probeUpstream(
      (path, withKey) => this.get(path, withKey),
      this.s.apiKey !== '',
      Date.now,
    );
  }

  async prices(): Promise<PriceTable> {
    const models = await this.get('/models', this.s.apiKey !== '');
    return models.status !== undefined && models.status < 300 ? pricesFrom(models.text) : {};
  }

  circuitState(): CircuitState {
    return this.policies.state();
  }

  /** One upstream attempt; throws an UpstreamFailure the policies classify. */
  private async attempt(
    model: string,
    body: string,
    signal: AbortSignal,
    run: Run,
  ): Promise<Completion> {
    const attempt = ++run.attempts;
    this.emit({ type: 'AttemptStarted', attempt, model });
    let res: Response;
    let text: string;
    try {
      res = await this.fetch(`${this.s.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: this.headers,
        body,
        signal,
      });
      text = await res.text();
    } catch (e) {
      if (signal.aborted) {
        run.timeouts++;
        throw new UpstreamFailure('timeout', `no answer within ${this.s.timeoutMs} ms`, true);
      }
      throw new UpstreamFailure(
        'network',
        this.clean(`OpenRouter unreachable: ${networkReason(e)}`),
        true,
      );
    }
    if (res.status < 200 || res.status > 299) {
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), Date.now());
      throw httpFailure(res.status, text, retryAfterMs, this.s.apiKey);
    }
    return completionOf(text, { model, attempts: attempt, apiKey: this.s.apiKey });
  }

  /** The InferenceError for a failed call; anything unexpected is a bug and is rethrown. */
  private failureOf(e: unknown, run: Run): InferenceError {
    if (isBrokenCircuitError(e)) {
      return inferenceError(
        'unavailable',
        'circuit breaker open after consecutive upstream failures',
        {
          retryAfterMs: this.policies.reopensInMs(),
          attempts: 0,
        },
      );
    }
    if (!isUpstreamFailure(e)) throw e;
    const extra = {
      attempts: run.attempts,
      ...(e.status === undefined ? {} : { upstreamStatus: e.status }),
    };
    if (run.timeouts === run.attempts) {
      const each = `${run.attempts} attempt${run.attempts === 1 ? '' : 's'} of ${this.s.timeoutMs} ms`;
      return inferenceError('upstream_timeout', `every attempt timed out (${each})`, extra);
    }
    const detail = e.retryable
      ? `gave up after ${run.attempts} attempts; last: ${e.message}`
      : e.message;
    return inferenceError('upstream_error', detail, extra);
  }

  /** One GET for the health check or the price list, bounded by the per-attempt timeout. */
  private async get(path: '/key' | '/models', withKey: boolean): Promise<GetOutcome> {
    const headers = { ...this.headers };
    delete headers['Content-Type'];
    if (!withKey) delete headers.Authorization;
    return this.policies.probeTimeout.execute(async ({ signal }): Promise<GetOutcome> => {
      try {
        const res = await this.fetch(`${this.s.baseUrl}${path}`, { headers, signal });
        const text = await res.text();
        const said = res.ok ? '' : upstreamError(safeParse(text))?.message;
        return {
          status: res.status,
          text,
          message: this.clean(`${res.status}${said ? `: ${said}` : ''}`),
        };
      } catch (e) {
        const why = signal.aborted ? `no answer within ${this.s.timeoutMs} ms` : networkReason(e);
        return { status: undefined, message: this.clean(why) };
      }
    });
  }

  private clean(text: string): string {
    return scrub(text, this.s.apiKey);
  }
}

const safeParse = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};
