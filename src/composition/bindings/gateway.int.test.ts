import { createServer } from 'node:net';
import { FAKE_API_KEY, FakeOpenRouter } from '../../../test/support/fake-openrouter';
import { createInferenceService, type InferenceService } from '../service';

/** A loopback port nothing listens on. */
const closedPort = async (): Promise<number> => {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
};

describe('the OpenRouter binding: start-up and status for each kind of upstream trouble', () => {
  let fake: FakeOpenRouter;
  let svc: InferenceService | undefined;
  beforeAll(async () => {
    fake = await FakeOpenRouter.start();
  });
  afterAll(() => fake.close());
  afterEach(async () => {
    await svc?.close();
    svc = undefined;
  });

  /** Builds the service as a user would, with background checks on, and waits for a check. */
  const start = async (baseUrl: string, apiKey: string) => {
    svc = await createInferenceService({
      config: { openrouter: { base_url: baseUrl, api_key: apiKey } },
      env: {},
      memory: true,
      background: true,
    });
    await svc.checkHealth();
    const status = await svc.status();
    expect(JSON.stringify(status)).not.toContain(apiKey || 'no key to leak');
    return status;
  };

  it('a good key: enabled, reachable, authenticated, and calls go through OpenRouter', async () => {
    const status = await start(fake.baseUrl, FAKE_API_KEY);
    expect(status).toMatchObject({ enabled: true, degradedReason: null, circuitBreaker: 'closed' });
    expect(status.openrouter).toMatchObject({
      baseUrl: fake.baseUrl,
      apiKeyConfigured: true,
      reachable: true,
      authenticated: true,
      error: null,
    });
    const r = await svc!.infer({ level: 'turn', purpose: 'summarise', input: 'hello there' });
    expect(r._unsafeUnwrap().text).toMatch(/^echo\(/);
    expect(fake.completions().length).toBeGreaterThan(0);
  });

  it('attempts and OpenRouter’s message reach the call record', async () => {
    svc = await createInferenceService({
      config: {
        openrouter: {
          base_url: fake.baseUrl,
          api_key: FAKE_API_KEY,
          cache: { enabled: false },
          retry: { max_attempts: 3, base_delay_ms: 0, max_delay_ms: 0 },
        },
      },
      env: {},
      memory: true,
      background: false,
    });
    fake.script(503, 429, 200, 402);
    const ok = await svc.infer({ level: 'task', purpose: 'p', input: 'third time lucky' });
    const refused = await svc.infer({ level: 'task', purpose: 'p', input: 'no credit' });
    expect(refused._unsafeUnwrapErr()).toMatchObject({ code: 'upstream_error', attempts: 1 });
    const calls = (await svc.calls({ limit: 10 }))._unsafeUnwrap().calls;
    const byId = new Map(calls.map((c) => [c.id, c]));
    expect(byId.get(ok._unsafeUnwrap().callId)).toMatchObject({
      status: 'succeeded',
      attempts: 3,
      upstreamId: expect.stringMatching(/^gen-/),
      reportedCostNanos: expect.any(Number),
    });
    const failed = calls.find((c) => c.status === 'failed');
    expect(failed).toMatchObject({ attempts: 1 });
    expect(failed?.errorMessage).toMatch(/upstream_error: OpenRouter answered 402: Insufficient/);
    expect(failed?.reportedCostNanos).toBeNull();
  });

  it('no key: starts degraded; reachable, authentication not checked', async () => {
    const status = await start(fake.baseUrl, '');
    expect(status).toMatchObject({ enabled: false });
    expect(status.degradedReason).toMatch(/no OpenRouter API key/);
    expect(status.openrouter).toMatchObject({
      apiKeyConfigured: false,
      reachable: true,
      authenticated: null,
    });
    expect(status.openrouter.error).toMatch(/no API key/);
  });

  it('a wrong key: starts; reachable, not authenticated, the 401 named', async () => {
    const status = await start(fake.baseUrl, 'sk-or-v1-wrong-key-0000');
    expect(status.openrouter).toMatchObject({
      apiKeyConfigured: true,
      reachable: true,
      authenticated: false,
    });
    expect(status.openrouter.error).toMatch(/401/);
  });

  it('OpenRouter unreachable: starts; not reachable, authentication unknown, the reason named', async () => {
    const status = await start(`http://127.0.0.1:${await closedPort()}/api/v1`, FAKE_API_KEY);
    expect(status.openrouter).toMatchObject({
      apiKeyConfigured: true,
      reachable: false,
      authenticated: null,
    });
    expect(status.openrouter.error).toMatch(/ECONNREFUSED/);
  });
});
