import { answerTo } from '../in-memory/in-memory-gateway';
import type { CompletionRequest } from '../../ports';
import { FAKE_API_KEY, FakeOpenRouter } from '../../../test/support/fake-openrouter';
import { gatewayOver } from '../../../test/support/openrouter-harness';

const req = (content: string): CompletionRequest => ({
  model: 'anthropic/claude-haiku-4.5',
  messages: [{ role: 'user', content }],
});

// Reconciliation's side of the gateway: the generation id as early as it is known, and
// `/generation` (real loopback HTTP to the fake OpenRouter, real time).
describe('OpenRouterGateway: generation ids and /generation', () => {
  let fake: FakeOpenRouter;
  beforeAll(async () => {
    fake = await FakeOpenRouter.start();
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.clear();
    fake.latencyMs = 0;
    fake.headersFirst = false;
    fake.generations.delayMs = 0;
  });

  it('a plain call: the id from the headers is told before the answer is in', async () => {
    fake.latencyMs = 1500;
    fake.headersFirst = true;
    const { gateway } = gatewayOver(fake);
    const told: Array<{ id: string; at: number }> = [];
    const r = req('slow plain answer');
    const started = Date.now();
    const c = (
      await gateway.complete({ ...r, onUpstreamId: (id) => told.push({ id, at: Date.now() }) })
    )._unsafeUnwrap();
    expect(told.map((t) => t.id)).toEqual([answerTo(r).upstreamId]);
    expect(c.upstreamId).toBe(answerTo(r).upstreamId);
    // Told at the headers: the body is not sent before 1500 ms have passed.
    expect(told[0]!.at - started).toBeLessThan(1500);
  });

  it('a streamed call: the id is told once, from the headers', async () => {
    const { gateway } = gatewayOver(fake);
    const told: string[] = [];
    const r = req('streamed answer');
    const c = await gateway.stream(
      { ...r, onUpstreamId: (id) => told.push(id) },
      { onDelta: () => undefined },
    );
    expect(told).toEqual([answerTo(r).upstreamId]);
    expect(c._unsafeUnwrap().upstreamId).toBe(told[0]);
  });

  it('/generation: 404 while not ready, then the tokens and cost it charged', async () => {
    fake.generations.delayMs = 3_600_000;
    const { gateway } = gatewayOver(fake);
    const c = (await gateway.complete(req('to reconcile')))._unsafeUnwrap();
    expect((await gateway.generation(c.upstreamId!))._unsafeUnwrap()).toBe('not_ready');
    fake.generations.delayMs = 0;
    const g = (await gateway.generation(c.upstreamId!))._unsafeUnwrap();
    expect(g).toEqual({
      inputTokens: c.inputTokens,
      outputTokens: c.outputTokens,
      costNanos: Math.round(c.reportedCostUsd! * 1e9),
    });
    const asked = fake.received.filter((x) => x.path.startsWith('/api/v1/generation?id='));
    expect(asked).toHaveLength(2);
    expect(asked[0]!.headers.authorization).toBe(`Bearer ${FAKE_API_KEY}`);
  });

  it('a failure to ask is an error value that never holds the key; no key: unavailable', async () => {
    fake.scriptRoute('GET /generation', { status: 500, message: `boom ${FAKE_API_KEY}` });
    const { gateway } = gatewayOver(fake);
    const e = (await gateway.generation('gen-x'))._unsafeUnwrapErr();
    expect(e).toMatchObject({ code: 'upstream_error', upstreamStatus: 500 });
    expect(JSON.stringify(e)).not.toContain(FAKE_API_KEY);
    const keyless = gatewayOver(fake, { apiKey: '' }).gateway;
    expect((await keyless.generation('gen-x'))._unsafeUnwrapErr().code).toBe('unavailable');
  });

  it('an unexpected body is an upstream_error, not figures', async () => {
    fake.scriptRoute('GET /generation', 'malformed');
    const { gateway } = gatewayOver(fake);
    const e = (await gateway.generation('gen-x'))._unsafeUnwrapErr();
    expect(e.code).toBe('upstream_error');
  });
});
