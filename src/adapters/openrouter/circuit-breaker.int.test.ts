import { prompt } from '../../../test/support/prompt';
import type { CompletionRequest } from '../../ports';
import {
  gatewayOver,
  settle,
  useFakeOpenRouterWithFakeTime,
} from '../../../test/support/openrouter-harness';

const req: CompletionRequest = {
  model: 'anthropic/claude-haiku-4.5',
  messages: prompt('plan the task'),
};
const breaker = { consecutiveFailures: 2, halfOpenAfterMs: 30_000 };
const oneAttempt = { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 };

describe('OpenRouterGateway circuit breaker (fake timers, fake OpenRouter on loopback)', () => {
  const suite = useFakeOpenRouterWithFakeTime();

  it('opens after consecutive failures, half-opens after the configured time, a success closes it', async () => {
    suite.fake.always(500);
    const { gateway, events } = gatewayOver(suite.fake, {
      circuitBreaker: breaker,
      retry: oneAttempt,
    });
    expect((await gateway.complete(req))._unsafeUnwrapErr().code).toBe('upstream_error');
    expect(gateway.circuitState()).toBe('closed');
    expect((await gateway.complete(req))._unsafeUnwrapErr().code).toBe('upstream_error');
    expect(gateway.circuitState()).toBe('open');

    await jest.advanceTimersByTimeAsync(10_000);
    const refused = (await gateway.complete(req))._unsafeUnwrapErr();
    expect(refused).toMatchObject({ code: 'unavailable', attempts: 0, retryAfterMs: 20_000 });
    expect(suite.fake.completions()).toHaveLength(2);

    await jest.advanceTimersByTimeAsync(19_999);
    expect(gateway.circuitState()).toBe('open');
    await jest.advanceTimersByTimeAsync(1);
    expect(gateway.circuitState()).toBe('half-open');

    suite.fake.always(undefined);
    expect((await gateway.complete(req)).isOk()).toBe(true);
    expect(gateway.circuitState()).toBe('closed');
    expect(suite.fake.completions()).toHaveLength(3);
    const states = events.all.flatMap((e) => (e.type === 'CircuitChanged' ? [e.state] : []));
    expect(states).toEqual(['open', 'half-open', 'closed']);
  });

  it('a failed trial in half-open opens it again for another full wait', async () => {
    suite.fake.always(503);
    const { gateway } = gatewayOver(suite.fake, { circuitBreaker: breaker, retry: oneAttempt });
    await gateway.complete(req);
    await gateway.complete(req);
    await jest.advanceTimersByTimeAsync(30_000);
    expect(gateway.circuitState()).toBe('half-open');
    expect((await gateway.complete(req))._unsafeUnwrapErr().code).toBe('upstream_error');
    expect(gateway.circuitState()).toBe('open');
    const refused = (await gateway.complete(req))._unsafeUnwrapErr();
    expect(refused).toMatchObject({ code: 'unavailable', retryAfterMs: 30_000 });
    expect(suite.fake.completions()).toHaveLength(3);
  });

  it('in half-open one trial call decides; calls meanwhile wait for it and send nothing', async () => {
    suite.fake.always(500);
    const { gateway } = gatewayOver(suite.fake, { circuitBreaker: breaker, retry: oneAttempt });
    await gateway.complete(req);
    await gateway.complete(req);
    await jest.advanceTimersByTimeAsync(30_000);
    suite.fake.script({ status: 500, delayMs: 1000 });
    const trial = gateway.complete(req);
    const waiting = gateway.complete(req);
    await suite.fake.requests(3);
    await jest.advanceTimersByTimeAsync(1000);
    expect((await trial)._unsafeUnwrapErr().code).toBe('upstream_error');
    expect((await waiting)._unsafeUnwrapErr().code).toBe('unavailable');
    expect(suite.fake.completions()).toHaveLength(3);
  });

  it('counts calls after their retries, not attempts', async () => {
    suite.fake.always(502);
    const { gateway, events } = gatewayOver(suite.fake, {
      circuitBreaker: breaker,
      retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 },
    });
    await settle(gateway.complete(req), events);
    expect(suite.fake.completions()).toHaveLength(3);
    expect(gateway.circuitState()).toBe('closed');
    await settle(gateway.complete(req), events);
    expect(gateway.circuitState()).toBe('open');
  });

  it('timeouts count as failures', async () => {
    suite.fake.always('hang');
    const { gateway } = gatewayOver(suite.fake, {
      circuitBreaker: { consecutiveFailures: 1, halfOpenAfterMs: 30_000 },
      retry: oneAttempt,
      timeoutMs: 1000,
    });
    const call = gateway.complete(req);
    await suite.fake.requests(1);
    await jest.advanceTimersByTimeAsync(1000);
    expect((await call)._unsafeUnwrapErr().code).toBe('upstream_timeout');
    expect(gateway.circuitState()).toBe('open');
  });

  it.each([400, 401, 402, 403, 404, 422])('%i never opens it', async (status) => {
    suite.fake.always(status);
    const { gateway } = gatewayOver(suite.fake, { circuitBreaker: breaker, retry: oneAttempt });
    for (let i = 0; i < 5; i++) {
      expect((await gateway.complete(req))._unsafeUnwrapErr().upstreamStatus).toBe(status);
    }
    expect(gateway.circuitState()).toBe('closed');
    expect(suite.fake.completions()).toHaveLength(5);
  });

  it('a success in between resets the count', async () => {
    suite.fake.script(500, 200, 500, 200, 500);
    const { gateway } = gatewayOver(suite.fake, { circuitBreaker: breaker, retry: oneAttempt });
    for (let i = 0; i < 5; i++) await gateway.complete(req);
    expect(gateway.circuitState()).toBe('closed');
  });
});
