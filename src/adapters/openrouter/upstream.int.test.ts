import { prompt } from '../../../test/support/prompt';
import { createServer } from 'node:net';
import { answerTo } from '../in-memory/in-memory-gateway';
import { FAKE_API_KEY, FakeOpenRouter } from '../../../test/support/fake-openrouter';
import { gatewayOver, settingsFor } from '../../../test/support/openrouter-harness';
import { OpenRouterGateway } from './openrouter-gateway';

/** A loopback port nothing listens on. */
const closedPort = async (): Promise<number> => {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
};

describe('OpenRouterGateway over the fake OpenRouter: what goes up and what comes back', () => {
  let fake: FakeOpenRouter;
  beforeAll(async () => {
    fake = await FakeOpenRouter.start();
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.clear());

  it('sends the headers and body of CONTRACT §4, system message first', async () => {
    const { gateway } = gatewayOver(fake);
    await gateway.complete({
      model: 'anthropic/claude-sonnet-4.5',
      messages: prompt('What changed?', 'Be brief.'),
      maxOutputTokens: 128,
      temperature: 0.2,
    });
    const [got] = fake.completions();
    expect(got?.path).toBe('/api/v1/chat/completions');
    expect(got?.headers).toMatchObject({
      authorization: `Bearer ${FAKE_API_KEY}`,
      'http-referer': 'https://github.com/claude-headspace',
      'x-title': 'Claude Headspace',
      'x-openrouter-title': 'Claude Headspace',
      'content-type': 'application/json',
    });
    expect(got?.body).toStrictEqual({
      model: 'anthropic/claude-sonnet-4.5',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What changed?' },
      ],
      max_tokens: 128,
      temperature: 0.2,
    });
  });

  it('leaves out what was not given: no system message, no max_tokens, no temperature', async () => {
    const { gateway } = gatewayOver(fake);
    await gateway.complete({ model: 'm/x', messages: prompt('hello') });
    expect(fake.completions()[0]?.body).toStrictEqual({
      model: 'm/x',
      messages: [{ role: 'user', content: 'hello' }],
    });
  });

  it('returns text, tokens, model, generation id and the reported cost', async () => {
    const { gateway } = gatewayOver(fake);
    const req = {
      model: 'anthropic/claude-haiku-4.5',
      messages: prompt('turn summary please', 's'),
    };
    const c = (await gateway.complete(req))._unsafeUnwrap();
    const expected = answerTo(req);
    expect(c).toMatchObject({
      text: expected.text,
      inputTokens: expected.inputTokens,
      outputTokens: expected.outputTokens,
      model: 'anthropic/claude-haiku-4.5',
      upstreamId: expected.upstreamId,
      attempts: 1,
    });
    expect(c.reportedCostUsd).toBeCloseTo(
      (expected.inputTokens * 1 + expected.outputTokens * 5) / 1e6,
      12,
    );
  });

  it('without a key: unavailable at once, nothing sent', async () => {
    const { gateway } = gatewayOver(fake, { apiKey: '' });
    const e = (await gateway.complete({ model: 'm/x', messages: prompt('hi') }))._unsafeUnwrapErr();
    expect(e).toMatchObject({ code: 'unavailable', attempts: 0 });
    expect(fake.received).toHaveLength(0);
  });

  describe('probe', () => {
    it('a good key: reachable and authenticated via GET /key', async () => {
      const h = await gatewayOver(fake).gateway.probe();
      expect(h).toMatchObject({ reachable: true, authenticated: true, error: null });
      expect(fake.received.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/v1/key']);
      expect(Date.parse(h.checkedAt)).not.toBeNaN();
    });

    it('a wrong key: reachable, not authenticated, the 401 named', async () => {
      const h = await gatewayOver(fake, { apiKey: 'sk-or-wrong-key' }).gateway.probe();
      expect(h).toMatchObject({ reachable: true, authenticated: false });
      expect(h.error).toMatch(/refused.*401/);
    });

    it('no key: reachability from GET /models, authentication not checked', async () => {
      const h = await gatewayOver(fake, { apiKey: '' }).gateway.probe();
      expect(h).toMatchObject({ reachable: true, authenticated: null });
      expect(h.error).toMatch(/no API key/);
      expect(fake.received[0]?.headers.authorization).toBeUndefined();
    });

    it('GET /key unavailable: falls back to GET /models, key unverified', async () => {
      fake.scriptRoute('GET /key', 404);
      const h = await gatewayOver(fake).gateway.probe();
      expect(h).toMatchObject({ reachable: true, authenticated: null });
      expect(h.error).toMatch(/\/key answered 404.*unverified/);
      expect(fake.received.map((r) => r.path)).toEqual(['/api/v1/key', '/api/v1/models']);
    });

    it('nothing listening: unreachable, and it says why', async () => {
      const port = await closedPort();
      const gateway = new OpenRouterGateway({
        ...settingsFor(fake),
        baseUrl: `http://127.0.0.1:${port}/api/v1`,
      });
      const h = await gateway.probe();
      expect(h).toMatchObject({ reachable: false, authenticated: null });
      expect(h.error).toMatch(/ECONNREFUSED/);
    });
  });

  it('prices(): GET /models per-token strings as USD per million tokens', async () => {
    const prices = await gatewayOver(fake).gateway.prices();
    expect(prices).toEqual({
      'anthropic/claude-haiku-4.5': { input: 1, output: 5 },
      'anthropic/claude-sonnet-4.5': { input: 3, output: 15 },
      'openai/gpt-4o-mini': { input: 0.15, output: 0.6 },
    });
  });

  it('prices(): empty when the list cannot be had', async () => {
    fake.scriptRoute('GET /models', 503);
    expect(await gatewayOver(fake).gateway.prices()).toEqual({});
  });
});
