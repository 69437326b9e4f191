import { trace } from '@opentelemetry/api';
import type { Container } from 'inversify';
import { OpenRouterGateway, type GatewayEvent } from '../../adapters/openrouter';
import type { Logger } from '../logger';
import { bind, get, TOKENS } from '../tokens';

/** Logs what the gateway reports: retries and circuit changes matter to operators. */
const logGatewayEvent = (log: Logger, e: GatewayEvent): void => {
  // The call's trace, when it runs in one (tracing on): its lines can be found from the trace.
  const traceId = trace.getActiveSpan()?.spanContext().traceId;
  const call = traceId ? { trace_id: traceId } : {};
  switch (e.type) {
    case 'AttemptStarted':
      return log.debug({ attempt: e.attempt, model: e.model, ...call }, 'upstream attempt');
    case 'RetryScheduled':
      return log.warn(
        { attempt: e.attempt, delayMs: e.delayMs, reason: e.reason, ...call },
        'upstream attempt failed; retrying',
      );
    case 'CircuitChanged':
      return log.warn({ state: e.state }, `circuit breaker ${e.state}`);
  }
};

/**
 * Binds the upstream gateway: the one given in options (tests, demos), else OpenRouter from
 * config. Building it never touches the network, so start-up cannot fail on a wrong key or an
 * unreachable OpenRouter; without a key it answers `unavailable` and status shows degraded.
 */
export const bindGateway = (c: Container): void => {
  bind(c, TOKENS.LlmGateway)
    .toDynamicValue((ctx) => {
      const given = get(ctx, TOKENS.Options).gateway;
      if (given) return given;
      const or = get(ctx, TOKENS.Config).openrouter;
      const log = get(ctx, TOKENS.Logger).child({ component: 'openrouter' });
      return new OpenRouterGateway(
        {
          baseUrl: or.baseUrl,
          apiKey: or.apiKey,
          timeoutMs: or.timeoutMs,
          httpReferer: or.httpReferer,
          appTitle: or.appTitle,
          retry: or.retry,
          circuitBreaker: or.circuitBreaker,
        },
        { onEvent: (e) => logGatewayEvent(log, e), tracer: get(ctx, TOKENS.Tracing).tracer },
      );
    })
    .inSingletonScope();
};
