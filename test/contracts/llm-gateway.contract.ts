import { prompt } from '../support/prompt';
import { answerTo } from '../../src/adapters/in-memory/in-memory-gateway';
import type { CompletionRequest, LlmGateway } from '../../src/ports';

/** A gateway under test, with a way to make upstream refuse the next call. */
export interface GatewayHarness {
  readonly gateway: LlmGateway;
  /** The next call is refused for the request's own fault (a 400 upstream). */
  refuseNext(): void;
  /** While on, `/generation` has no figures yet for any generation (OpenRouter's 404). */
  holdGenerations(on: boolean): void;
  close(): Promise<void>;
}

const req: CompletionRequest = {
  model: 'anthropic/claude-haiku-4.5',
  messages: prompt('Summarise: the agent fixed the flaky test and pushed.', 'Answer in one line.'),
};

/**
 * The LlmGateway port's contract: deterministic answers that agree with `answerTo` (so the
 * in-memory gateway and the fake OpenRouter are interchangeable in tests), failures as values
 * with a code and attempts, a probe that never rejects, prices, and the circuit's state.
 */
export const llmGatewayContract = (name: string, make: () => Promise<GatewayHarness>): void => {
  describe(`LlmGateway contract: ${name}`, () => {
    let h: GatewayHarness;
    beforeEach(async () => {
      h = await make();
    });
    afterEach(() => h.close());

    it('answers with text, token counts, the model, attempts and upstream facts', async () => {
      const c = (await h.gateway.complete(req))._unsafeUnwrap();
      expect(c.text).toEqual(expect.any(String));
      expect(c.text.length).toBeGreaterThan(0);
      expect(Number.isInteger(c.inputTokens) && c.inputTokens > 0).toBe(true);
      expect(Number.isInteger(c.outputTokens) && c.outputTokens > 0).toBe(true);
      expect(c.model).toBe(req.model);
      expect(c.attempts).toBeGreaterThanOrEqual(1);
      expect(c.upstreamId === null || typeof c.upstreamId === 'string').toBe(true);
      expect(c.reportedCostUsd === null || c.reportedCostUsd >= 0).toBe(true);
    });

    it('is deterministic and agrees with answerTo', async () => {
      const a = (await h.gateway.complete(req))._unsafeUnwrap();
      const b = (await h.gateway.complete(req))._unsafeUnwrap();
      const other = (
        await h.gateway.complete({ ...req, messages: prompt('something else') })
      )._unsafeUnwrap();
      expect(b.text).toBe(a.text);
      expect(other.text).not.toBe(a.text);
      const expected = answerTo(req);
      expect(a).toMatchObject({
        text: expected.text,
        inputTokens: expected.inputTokens,
        outputTokens: expected.outputTokens,
        upstreamId: expected.upstreamId,
      });
    });

    it('keeps within maxOutputTokens', async () => {
      const c = (await h.gateway.complete({ ...req, maxOutputTokens: 3 }))._unsafeUnwrap();
      expect(c.outputTokens).toBeLessThanOrEqual(3);
    });

    it('a refusal is an upstream_error value with attempts and status; the circuit stays closed', async () => {
      h.refuseNext();
      const e = (await h.gateway.complete(req))._unsafeUnwrapErr();
      expect(e).toMatchObject({ code: 'upstream_error', attempts: 1, upstreamStatus: 400 });
      expect(e.detail).toEqual(expect.any(String));
      expect(h.gateway.circuitState()).toBe('closed');
      expect((await h.gateway.complete(req)).isOk()).toBe(true);
    });

    it('generation: the tokens and cost of a generation it served, by its id; not ready while held', async () => {
      const c = (await h.gateway.complete(req))._unsafeUnwrap();
      expect(c.upstreamId).toEqual(expect.any(String));
      h.holdGenerations(true);
      expect((await h.gateway.generation(c.upstreamId!))._unsafeUnwrap()).toBe('not_ready');
      h.holdGenerations(false);
      const g = (await h.gateway.generation(c.upstreamId!))._unsafeUnwrap();
      const expected = answerTo(req);
      expect(g).toEqual({
        inputTokens: expected.inputTokens,
        outputTokens: expected.outputTokens,
        costNanos: c.reportedCostUsd === null ? 0 : Math.round(c.reportedCostUsd * 1e9),
      });
    });

    it('generation of an id it never served is not ready (a 404), not an error', async () => {
      expect((await h.gateway.generation('gen-never-made'))._unsafeUnwrap()).toBe('not_ready');
    });

    it('probe reports reachability without rejecting', async () => {
      const r = await h.gateway.probe();
      expect(r.reachable).toBe(true);
      expect([true, false, null]).toContain(r.authenticated);
      expect(new Date(r.checkedAt).toISOString()).toBe(r.checkedAt);
      expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    });

    it('prices are USD per million tokens, never negative', async () => {
      for (const p of Object.values(await h.gateway.prices())) {
        expect(p.input).toBeGreaterThanOrEqual(0);
        expect(p.output).toBeGreaterThanOrEqual(0);
      }
    });

    it('starts with the circuit closed', () => {
      expect(h.gateway.circuitState()).toBe('closed');
    });
  });
};
