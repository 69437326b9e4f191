import type { Tracer } from '@opentelemetry/api';
import { createParser } from 'eventsource-parser';
import { isBrokenCircuitError } from 'cockatiel';
import { err, ok, ResultAsync } from 'neverthrow';
import { inferenceError, tokensOfChars } from '../../domain';
import type { CompletionRequest, StreamControl, Completion, StreamFailure } from '../../ports';
import {
  callFailure,
  circuitOpen,
  isUpstreamFailure,
  networkReason,
  UpstreamFailure,
} from './failure';
import type { HttpStreamFetch, HttpStreamReply } from './node-http-stream';
import { inAttemptSpan } from './attempt-span';
import type { Policies } from './resilience';
import { parseRetryAfter } from './retry-after';
import { chunkOf } from './stream-chunks';
import { StreamProgress } from './stream-progress';
import { chatFields, httpFailure, scrub } from './wire';

/** What a streamed call needs from its gateway. */
export interface StreamDeps {
  readonly fetch: HttpStreamFetch;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly apiKey: string;
  readonly policies: Policies;
  /** Until the first chunk of an attempt (comments do not count). */
  readonly firstTokenTimeoutMs: number;
  /** Between chunks, once the first arrived. */
  readonly idleTimeoutMs: number;
  readonly onAttempt: (attempt: number) => void;
  /** Traces each attempt (tracing on). */
  readonly tracer?: Tracer | undefined;
}

/** Ends an attempt because the caller went away; never retried, never counted as a failure. */
class StreamCancelled extends Error {}

/** Prompt tokens estimated at 4 characters a token, for a stream that sent no usage. */
export const estimatedInputTokens = (req: CompletionRequest): number =>
  tokensOfChars(req.messages.reduce((n, m) => n + m.content.length, 0));

/** The request body of a streamed call: the chat body with `stream: true`. */
export const streamBody = (req: CompletionRequest): string =>
  JSON.stringify({ ...chatFields(req), stream: true });

/**
 * One streamed call through the gateway's circuit breaker and retries (no per-attempt timeout:
 * a time-to-first-token and an idle timeout instead). Once a delta reached the caller, a
 * failure is final: it is neither retried nor counted by the breaker.
 */
export const streamCompletion = (
  d: StreamDeps,
  req: CompletionRequest,
  control: StreamControl,
): ResultAsync<Completion, StreamFailure> => {
  const progress = new StreamProgress(req.model, control.onDelta, req.onUpstreamId);
  const tally = { attempts: 0, timeouts: 0 };
  const body = streamBody(req);
  const inputEstimate = estimatedInputTokens(req);
  const run = d.policies.streamPolicy.execute(async ({ signal }) => {
    if (control.signal?.aborted) throw new StreamCancelled();
    tally.attempts++;
    d.onAttempt(tally.attempts);
    try {
      const n = tally.attempts;
      await inAttemptSpan(d.tracer, req.parentSpan, req.model, n, d.headers, (headers) =>
        attempt({ ...d, headers }, body, signal, progress, n),
      );
      return progress.result(inputEstimate);
    } catch (e) {
      if (control.signal?.aborted) throw new StreamCancelled();
      if (isUpstreamFailure(e) && e.kind === 'timeout') tally.timeouts++;
      // After the first delta the caller has part of an answer: a new attempt would repeat it.
      if (progress.delivered && isUpstreamFailure(e) && e.retryable) {
        throw new UpstreamFailure(e.kind, `after the stream began: ${e.message}`, false, e.status);
      }
      throw e;
    }
  }, control.signal);
  const failed = (e: unknown): StreamFailure => {
    const partial = { ...progress.partial(), attempts: tally.attempts };
    if (control.signal?.aborted) {
      const error = inferenceError('unavailable', 'the caller cancelled the stream', {
        attempts: tally.attempts,
      });
      return { error, cancelled: true, partial };
    }
    if (isBrokenCircuitError(e)) {
      return { error: circuitOpen(d.policies.reopensInMs()), cancelled: false, partial };
    }
    if (!isUpstreamFailure(e)) throw e;
    const error = callFailure(e, tally, d.firstTokenTimeoutMs);
    // A stream has two timeouts: say which one ended it.
    const detail =
      error.code === 'upstream_timeout' ? `${error.detail}; last: ${e.message}` : error.detail;
    return { error: { ...error, detail }, cancelled: false, partial };
  };
  return new ResultAsync(
    run.then(
      (c) => ok<Completion, StreamFailure>(c),
      (e: unknown) => err<Completion, StreamFailure>(failed(e)),
    ),
  );
};

/** One attempt: send, then read events until the stream ends; throws an UpstreamFailure. */
const attempt = async (
  d: StreamDeps,
  body: string,
  policySignal: AbortSignal,
  progress: StreamProgress,
  attemptNo: number,
): Promise<void> => {
  const ac = new AbortController();
  const stop = () => ac.abort();
  policySignal.addEventListener('abort', stop, { once: true });
  let timedOut: string | undefined;
  const arm = (ms: number, why: string) =>
    setTimeout(() => {
      timedOut = why;
      ac.abort();
    }, ms);
  let timer = arm(d.firstTokenTimeoutMs, `no first token within ${d.firstTokenTimeoutMs} ms`);
  const rearm = () => {
    clearTimeout(timer);
    timer = arm(d.idleTimeoutMs, `no chunk for ${d.idleTimeoutMs} ms`);
  };
  try {
    let res: HttpStreamReply;
    try {
      res = await d.fetch(d.url, { headers: d.headers, body, signal: ac.signal });
    } catch (e) {
      throw lost(d, e, timedOut);
    }
    if (res.status < 200 || res.status > 299) {
      const text = await res.text().catch(() => '');
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), Date.now());
      throw httpFailure(res.status, text, retryAfterMs, d.apiKey);
    }
    progress.restart(attemptNo, res.headers.get('x-generation-id'));
    await readEvents(d, res, progress, rearm).catch((e: unknown) => {
      throw isUpstreamFailure(e) ? e : lost(d, e, timedOut);
    });
    if (!progress.finished) {
      throw new UpstreamFailure(
        'malformed',
        'the OpenRouter stream ended before it finished',
        true,
      );
    }
  } finally {
    clearTimeout(timer);
    policySignal.removeEventListener('abort', stop);
  }
};

/** Feeds the body to the SSE parser (comments such as `: OPENROUTER PROCESSING` are skipped). */
const readEvents = async (
  d: StreamDeps,
  res: HttpStreamReply,
  progress: StreamProgress,
  onChunk: () => void,
): Promise<void> => {
  let failure: unknown;
  const parser = createParser({
    onEvent: (ev) => {
      if (failure !== undefined) return;
      onChunk();
      try {
        progress.take(chunkOf(ev.data, d.apiKey));
      } catch (e) {
        failure = e;
      }
    },
  });
  const text = new TextDecoder();
  for await (const bytes of res.body) {
    parser.feed(text.decode(bytes, { stream: true }));
    if (failure !== undefined) throw failure;
  }
  parser.feed(text.decode());
  if (failure !== undefined) throw failure;
};

/** A connection that failed or was cut by a timeout, as an UpstreamFailure. */
const lost = (d: StreamDeps, e: unknown, timedOut: string | undefined): UpstreamFailure =>
  timedOut !== undefined
    ? new UpstreamFailure('timeout', timedOut, true)
    : new UpstreamFailure(
        'network',
        scrub(`OpenRouter unreachable: ${networkReason(e)}`, d.apiKey),
        true,
      );
