import { prompt } from '../../../test/support/prompt';
import type { CompletionRequest } from '../../ports';
import {
  gatewayOver,
  settle,
  useFakeOpenRouterWithFakeTime,
} from '../../../test/support/openrouter-harness';

const req: CompletionRequest = {
  model: 'anthropic/claude-haiku-4.5',
  messages: prompt('summarise this turn'),
};

describe('OpenRouterGateway retries (fake timers, fake OpenRouter on loopback)', () => {
  const suite = useFakeOpenRouterWithFakeTime();

  it('429, 429, 200 → success after 3 attempts', async () => {
    suite.fake.script(429, 429, 200);
    const { gateway, events } = gatewayOver(suite.fake);
    const r = await settle(gateway.complete(req), events);
    expect(r._unsafeUnwrap().attempts).toBe(3);
    expect(suite.fake.completions()).toHaveLength(3);
    expect(events.count('RetryScheduled')).toBe(2);
  });

  it('401 → one attempt, upstream_error with the status and OpenRouter’s message', async () => {
    const { gateway, events } = gatewayOver(suite.fake, { apiKey: 'sk-or-wrong' });
    const e = (await settle(gateway.complete(req), events))._unsafeUnwrapErr();
    expect(e).toMatchObject({ code: 'upstream_error', attempts: 1, upstreamStatus: 401 });
    expect(e.detail).toContain('User not found.');
    expect(suite.fake.completions()).toHaveLength(1);
  });

  it.each([400, 402, 403, 404, 422])('%i is not retried', async (status) => {
    suite.fake.always(status);
    const { gateway, events } = gatewayOver(suite.fake);
    const e = (await settle(gateway.complete(req), events))._unsafeUnwrapErr();
    expect(e).toMatchObject({ code: 'upstream_error', attempts: 1, upstreamStatus: status });
    expect(suite.fake.completions()).toHaveLength(1);
  });

  it('500 forever → upstream_error after max_attempts', async () => {
    suite.fake.always(500);
    const { gateway, events } = gatewayOver(suite.fake, {
      retry: { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 10_000 },
    });
    const e = (await settle(gateway.complete(req), events))._unsafeUnwrapErr();
    expect(e).toMatchObject({ code: 'upstream_error', attempts: 4, upstreamStatus: 500 });
    expect(e.detail).toMatch(/gave up after 4 attempts/);
    expect(suite.fake.completions()).toHaveLength(4);
  });

  it.each([408, 429, 502, 503, 504])('%i is retried', async (status) => {
    suite.fake.script(status, 200);
    const { gateway, events } = gatewayOver(suite.fake);
    expect((await settle(gateway.complete(req), events))._unsafeUnwrap().attempts).toBe(2);
  });

  it('backs off exponentially with jitter from base_delay_ms, capped at max_delay_ms', async () => {
    suite.fake.always(503);
    const { gateway, events } = gatewayOver(suite.fake, {
      retry: { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 3000 },
    });
    await settle(gateway.complete(req), events);
    const delays = events.all.flatMap((e) => (e.type === 'RetryScheduled' ? [e.delayMs] : []));
    // random() = 0.5: three quarters of 1000, 2000, 4000→3000, 8000→3000.
    expect(delays).toEqual([750, 1500, 2250, 2250]);
  });

  it('Retry-After: 2 → the next attempt waits exactly 2 s', async () => {
    suite.fake.script({ status: 429, retryAfter: 2 }, 200);
    const { gateway, events } = gatewayOver(suite.fake);
    const call = gateway.complete(req);
    expect((await events.next('RetryScheduled')).delayMs).toBe(2000);
    await jest.advanceTimersByTimeAsync(1999);
    expect(events.count('AttemptStarted')).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(events.count('AttemptStarted')).toBe(2);
    expect((await call)._unsafeUnwrap().attempts).toBe(2);
  });

  it('Retry-After as an HTTP date is honoured, and capped at max_delay_ms', async () => {
    jest.setSystemTime(Date.UTC(2026, 0, 1, 12, 0, 0));
    const inThree = new Date(Date.UTC(2026, 0, 1, 12, 0, 3)).toUTCString();
    suite.fake.script({ status: 503, retryAfter: inThree }, { status: 429, retryAfter: 3600 }, 200);
    const { gateway, events } = gatewayOver(suite.fake);
    await settle(gateway.complete(req), events);
    const delays = events.all.flatMap((e) => (e.type === 'RetryScheduled' ? [e.delayMs] : []));
    expect(delays).toEqual([3000, 10_000]);
  });

  it('a retryable failure followed by a 4xx stops at the 4xx', async () => {
    suite.fake.script(503, 400);
    const { gateway, events } = gatewayOver(suite.fake);
    const e = (await settle(gateway.complete(req), events))._unsafeUnwrapErr();
    expect(e).toMatchObject({ code: 'upstream_error', attempts: 2, upstreamStatus: 400 });
  });
});
