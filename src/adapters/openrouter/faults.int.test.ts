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

describe('OpenRouterGateway timeouts and broken replies (fake timers, fake OpenRouter on loopback)', () => {
  const suite = useFakeOpenRouterWithFakeTime();

  it('per-attempt timeout on every attempt → upstream_timeout', async () => {
    suite.fake.script({ status: 200, delayMs: 60_000 }, 'hang');
    const { gateway, events } = gatewayOver(suite.fake, {
      timeoutMs: 1000,
      retry: { maxAttempts: 2, baseDelayMs: 500, maxDelayMs: 10_000 },
    });
    const call = gateway.complete(req);
    for (let n = 1; n <= 2; n++) {
      await suite.fake.requests(n);
      await jest.advanceTimersByTimeAsync(999);
      expect(events.count('AttemptStarted')).toBe(n);
      await jest.advanceTimersByTimeAsync(1);
      if (n === 1)
        await jest.advanceTimersByTimeAsync((await events.next('RetryScheduled')).delayMs);
    }
    const e = (await call)._unsafeUnwrapErr();
    expect(e).toMatchObject({ code: 'upstream_timeout', attempts: 2 });
    expect(e.upstreamStatus).toBeUndefined();
  });

  it('a timeout then a server error is upstream_error, not upstream_timeout', async () => {
    suite.fake.script('hang', 500);
    const { gateway, events } = gatewayOver(suite.fake, {
      timeoutMs: 1000,
      retry: { maxAttempts: 2, baseDelayMs: 0, maxDelayMs: 0 },
    });
    const call = gateway.complete(req);
    await suite.fake.requests(1);
    await jest.advanceTimersByTimeAsync(1000);
    const e = (await settle(call, events))._unsafeUnwrapErr();
    expect(e).toMatchObject({ code: 'upstream_error', attempts: 2, upstreamStatus: 500 });
  });

  it('connection reset, malformed JSON and a reply without choices are retried', async () => {
    suite.fake.script('reset', 'malformed', 'no-choices', 200);
    const { gateway, events } = gatewayOver(suite.fake, {
      retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 },
    });
    expect((await settle(gateway.complete(req), events))._unsafeUnwrap().attempts).toBe(4);
    const reasons = events.all.flatMap((e) => (e.type === 'RetryScheduled' ? [e.reason] : []));
    expect(reasons).toEqual([
      expect.stringMatching(/unreachable/),
      expect.stringMatching(/unparseable/),
      expect.stringMatching(/without choices/),
    ]);
  });

  it('a 200 whose body is an error fails; retried unless its code is the request’s fault', async () => {
    suite.fake.script({ errorIn200: { code: 502, message: 'provider hiccup' } }, 200);
    const first = gatewayOver(suite.fake);
    expect((await settle(first.gateway.complete(req), first.events)).isOk()).toBe(true);
    suite.fake.script({ errorIn200: { code: 402, message: 'Insufficient credits' } });
    const second = gatewayOver(suite.fake);
    const e = (await settle(second.gateway.complete(req), second.events))._unsafeUnwrapErr();
    expect(e).toMatchObject({ code: 'upstream_error', attempts: 1, upstreamStatus: 402 });
    expect(e.detail).toContain('Insufficient credits');
  });
});
