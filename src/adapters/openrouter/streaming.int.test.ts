import { answerTo } from '../in-memory/in-memory-gateway';
import type { CompletionDelta, CompletionRequest } from '../../ports';
import {
  gatewayOver,
  settle,
  useFakeOpenRouterWithFakeTime,
} from '../../../test/support/openrouter-harness';

const req: CompletionRequest = {
  model: 'anthropic/claude-haiku-4.5',
  messages: [{ role: 'user', content: 'stream this turn' }],
};
const expected = answerTo(req);

/** A stream's deltas, collected. */
const collector = () => {
  const deltas: CompletionDelta[] = [];
  return {
    deltas,
    onDelta: (d: CompletionDelta): void => {
      deltas.push(d);
    },
    text: () => deltas.map((d) => d.text ?? '').join(''),
  };
};

describe('OpenRouterGateway streams (fake OpenRouter on loopback, fake timers)', () => {
  const suite = useFakeOpenRouterWithFakeTime();

  it('sends stream: true, skips comments, and assembles deltas, usage, cost and the generation id', async () => {
    suite.fake.script({ stream: { comments: 3 } });
    const { gateway, events } = gatewayOver(suite.fake);
    const c = collector();
    const r = (await settle(gateway.stream(req, c), events))._unsafeUnwrap();
    expect(suite.fake.completions()[0]?.body).toMatchObject({ stream: true, model: req.model });
    expect(c.deltas.length).toBeGreaterThan(1);
    expect(c.text()).toBe(expected.text);
    expect(r).toMatchObject({
      text: expected.text,
      inputTokens: expected.inputTokens,
      outputTokens: expected.outputTokens,
      upstreamId: expected.upstreamId,
      finishReason: 'stop',
      attempts: 1,
      reportedCostUsd: expect.closeTo(
        (expected.inputTokens * 1 + expected.outputTokens * 5) / 1e6,
        12,
      ),
    });
  });

  it('a retryable refusal or an error chunk before the first token is retried invisibly', async () => {
    suite.fake.script(503, { stream: { errorAfter: 0 } }, { stream: {} });
    const { gateway, events } = gatewayOver(suite.fake);
    const c = collector();
    const r = (await settle(gateway.stream(req, c), events))._unsafeUnwrap();
    expect(r.attempts).toBe(3);
    expect(c.text()).toBe(expected.text);
    expect(suite.fake.completions()).toHaveLength(3);
  });

  it('an error chunk after the first delta is a failure with what was delivered, never retried', async () => {
    suite.fake.script({
      stream: { errorAfter: 1, errorCode: 502, errorMessage: 'Provider went away' },
    });
    const { gateway, events } = gatewayOver(suite.fake);
    const c = collector();
    const f = (await settle(gateway.stream(req, c), events))._unsafeUnwrapErr();
    expect(f.cancelled).toBe(false);
    expect(f.error).toMatchObject({ code: 'upstream_error', attempts: 1 });
    expect(f.error.detail).toContain('Provider went away');
    expect(f.partial).toMatchObject({
      delivered: true,
      text: c.text(),
      upstreamId: expected.upstreamId,
    });
    expect(c.text().length).toBeGreaterThan(0);
    expect(suite.fake.completions()).toHaveLength(1);
    expect(events.count('RetryScheduled')).toBe(0);
  });

  it('a non-retryable refusal before the stream is one attempt, as for complete', async () => {
    suite.fake.script(400);
    const { gateway, events } = gatewayOver(suite.fake);
    const f = (await settle(gateway.stream(req, collector()), events))._unsafeUnwrapErr();
    expect(f.error).toMatchObject({ code: 'upstream_error', upstreamStatus: 400, attempts: 1 });
    expect(f.partial.delivered).toBe(false);
  });

  it('cancel after the first delta closes the upstream connection and keeps the text so far', async () => {
    suite.fake.script({ stream: { hangAfter: 1 } });
    const { gateway } = gatewayOver(suite.fake);
    const abort = new AbortController();
    const c = collector();
    const first = new Promise<void>((resolve) => {
      c.onDelta = (d) => {
        c.deltas.push(d);
        resolve();
      };
    });
    const call = gateway.stream(req, { onDelta: (d) => c.onDelta(d), signal: abort.signal });
    await first;
    abort.abort();
    const f = (await call)._unsafeUnwrapErr();
    await suite.fake.streamsEnded(1);
    expect(suite.fake.streamEnds[0]?.completed).toBe(false);
    expect(f.cancelled).toBe(true);
    expect(f.partial).toMatchObject({
      delivered: true,
      text: c.text(),
      upstreamId: expected.upstreamId,
      usage: null,
    });
  });

  it('no first token within the time-to-first-token timeout → retried, then upstream_timeout', async () => {
    suite.fake.always('hang');
    const { gateway, events } = gatewayOver(suite.fake, {
      retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10 },
      streamTimeouts: { firstTokenMs: 1000, idleMs: 50_000 },
    });
    const call = gateway.stream(req, collector());
    await suite.fake.requests(1);
    await jest.advanceTimersByTimeAsync(1000);
    await events.next('RetryScheduled');
    await jest.advanceTimersByTimeAsync(10);
    await suite.fake.requests(2);
    await jest.advanceTimersByTimeAsync(1000);
    const f = (await call)._unsafeUnwrapErr();
    expect(f.error).toMatchObject({ code: 'upstream_timeout', attempts: 2 });
  });

  it('a stream that goes quiet after its first delta fails on the idle timeout, not retried', async () => {
    suite.fake.script({ stream: { hangAfter: 1 } });
    const { gateway } = gatewayOver(suite.fake, {
      streamTimeouts: { firstTokenMs: 50_000, idleMs: 2000 },
    });
    const c = collector();
    const first = new Promise<void>((resolve) => {
      c.onDelta = (d) => {
        c.deltas.push(d);
        resolve();
      };
    });
    const call = gateway.stream(req, { onDelta: (d) => c.onDelta(d) });
    await first;
    await jest.advanceTimersByTimeAsync(1999);
    expect(suite.fake.streamEnds).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    const f = (await call)._unsafeUnwrapErr();
    expect(f.error.code).toBe('upstream_timeout');
    expect(f.error.detail).toContain('no chunk for 2000 ms');
    expect(f.partial.delivered).toBe(true);
    expect(suite.fake.completions()).toHaveLength(1);
  });

  it('without a usage chunk, tokens are estimated from the text', async () => {
    suite.fake.script({ stream: { noUsage: true } });
    const { gateway, events } = gatewayOver(suite.fake);
    const r = (await settle(gateway.stream(req, collector()), events))._unsafeUnwrap();
    expect(r.outputTokens).toBe(Math.ceil(expected.text.length / 4));
    expect(r.reportedCostUsd).toBeNull();
  });
});
