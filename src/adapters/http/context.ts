import type { ParameterizedContext } from 'koa';
import type { ResultAsync } from 'neverthrow';
import type { Logger } from 'pino';
import type {
  InferenceStream,
  KeyAdmin,
  ListCallsParams,
  StatusReport,
  UsageParams,
  UsageSeriesParams,
} from '../../application';
import type {
  Consumer,
  InferenceError,
  InferenceResult,
  UsageReport,
  UsageSeries,
} from '../../domain';
import type { CallsPage, Readiness, CallObserver } from '../../ports';
import type { HttpCallObserver } from './call-observer';
import type { ProblemResponse } from './problem';

export type { Readiness } from '../../ports';

/** The use cases the HTTP API exposes: the in-process service satisfies this as it is. */
export interface HttpApi {
  /** One call; `observer` hears where its time goes. */
  infer(
    raw: unknown,
    observer?: CallObserver,
    consumer?: Consumer,
  ): ResultAsync<InferenceResult, InferenceError>;
  /** The same call streamed (`stream: true`). */
  stream(raw: unknown, observer?: CallObserver, consumer?: Consumer): InferenceStream;
  /** Consumer key administration; absent: the key routes answer 404. */
  readonly keys?: KeyAdmin;
  status(): Promise<StatusReport>;
  usage(params: UsageParams): ResultAsync<UsageReport, InferenceError>;
  usageSeries(params: UsageSeriesParams): ResultAsync<UsageSeries, InferenceError>;
  calls(params: ListCallsParams): ResultAsync<CallsPage, InferenceError>;
  ready(): Promise<Readiness>;
  /** Trace spans lost on the way to the collector (for `/metrics`). */
  droppedSpans?(): number;
}

/** Per-request state: the request id and a logger that carries it. */
export interface HttpState {
  requestId: string;
  log: Logger;
  /** The stage timer a call made by this request marks. */
  observer: HttpCallObserver;
  /** The consumer key the request came with; unset for the token or open mode. */
  consumer?: Consumer;
}

/** The Koa context every handler gets. */
export type HttpContext = ParameterizedContext<HttpState>;

/** Sends a problem as `application/problem+json` with its headers. */
export const sendProblem = (ctx: HttpContext, p: ProblemResponse): void => {
  ctx.status = p.status;
  for (const [k, v] of Object.entries(p.headers)) ctx.set(k, v);
  ctx.body = p.body;
  ctx.type = 'application/problem+json';
};

/** One query parameter as a string; repeated parameters are refused by name. */
export const queryParam = (
  ctx: HttpContext,
  name: string,
): { ok: true; value: string | undefined } | { ok: false; field: string } => {
  const v = ctx.query[name];
  if (v === undefined || typeof v === 'string') return { ok: true, value: v };
  return { ok: false, field: name };
};
