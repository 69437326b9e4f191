import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { APICallError, generateText, RetryError } from 'ai';
import { ChatOpenAI } from '@langchain/openai';
import OpenAI from 'openai';
import { ManualClock } from '../../../src/adapters/in-memory';
import { FAKE_API_KEY, FakeOpenRouter } from '../../support/fake-openrouter';
import { startTestServer, type TestServer } from '../harness';
import { TOKEN, type CallView } from './fixture';

/** A fetch that notes when each request left, to see how far apart the SDK's retries were. */
const timedFetch = (times: number[]): typeof fetch => {
  return (input, init) => {
    times.push(performance.now());
    return fetch(input, init);
  };
};

const gaps = (times: readonly number[]): number[] => times.slice(1).map((t, i) => t - times[i]!);

// One call a minute, no waiting: after one answer, every call is refused 429 with a wait the
// service's clock sets. The clock stands 59 s into the minute, so the wait is exactly 1 s and
// each SDK's retries can be timed against it.
describe('a rate-limited /v1 call in each SDK: its rate-limit error, no retry storm', () => {
  const clock = new ManualClock();
  let fake: FakeOpenRouter;
  let server: TestServer;
  let baseURL: string;
  const auth = { authorization: `Bearer ${TOKEN}` };
  const rateLimited = async (): Promise<number> => {
    const res = await server.fetch('/api/inference/calls?limit=500', { headers: auth });
    const { calls } = (await res.json()) as { calls: CallView[] };
    return calls.filter((c) => c.status === 'rate_limited').length;
  };

  beforeAll(async () => {
    fake = await FakeOpenRouter.start();
    server = await startTestServer(
      {
        server: { auth_token: TOKEN },
        openrouter: {
          base_url: fake.baseUrl,
          api_key: FAKE_API_KEY,
          rate_limits: { calls_per_minute: 1, max_wait_ms: 0 },
        },
      },
      { clock },
    );
    baseURL = `${server.url}/v1`;
    const first = await server.fetch('/v1/chat/completions', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'turn', messages: [{ role: 'user', content: 'the one' }] }),
    });
    expect(first.status).toBe(200);
    clock.advance(59_000);
  });
  afterAll(async () => {
    await server.shutdown();
    await fake.close();
  });

  it('429 in OpenAI shape with retry-after, retry-after-ms and no x-should-retry', async () => {
    const res = await server.fetch('/v1/chat/completions', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'turn', messages: [{ role: 'user', content: 'raw' }] }),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.headers.get('retry-after-ms')).toBe('1000');
    expect(res.headers.get('x-should-retry')).toBeNull();
    expect(await res.json()).toEqual({
      error: {
        message: 'rate limit calls_per_minute reached',
        type: 'rate_limit_error',
        param: null,
        code: 'rate_limited',
      },
    });
  });

  it('openai: RateLimitError after its 2 retries, each after retry-after-ms', async () => {
    const before = await rateLimited();
    const times: number[] = [];
    const client = new OpenAI({ apiKey: TOKEN, baseURL, fetch: timedFetch(times) });
    const e = await client.chat.completions
      .create({ model: 'turn', messages: [{ role: 'user', content: 'openai limited' }] })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OpenAI.RateLimitError);
    expect(e).toMatchObject({ status: 429, code: 'rate_limited', type: 'rate_limit_error' });
    expect(times).toHaveLength(3);
    for (const gap of gaps(times)) expect(gap).toBeGreaterThanOrEqual(990);
    expect(await rateLimited()).toBe(before + 3);
    expect(fake.completions()).toHaveLength(1);
  });

  it('AI SDK: APICallError 429 (in a RetryError after its retry, which waited retry-after-ms)', async () => {
    const before = await rateLimited();
    const times: number[] = [];
    const provider = createOpenAICompatible({
      name: 'headspace',
      apiKey: TOKEN,
      baseURL,
      fetch: timedFetch(times),
    });
    const e = await generateText({
      model: provider('turn'),
      prompt: 'ai sdk limited',
      maxRetries: 1,
    }).catch((x: unknown) => x);
    expect(RetryError.isInstance(e)).toBe(true);
    const last = (e as RetryError).lastError;
    expect(APICallError.isInstance(last)).toBe(true);
    expect(last).toMatchObject({ statusCode: 429, isRetryable: true });
    expect(times).toHaveLength(2);
    expect(gaps(times)[0]).toBeGreaterThanOrEqual(990);
    expect(await rateLimited()).toBe(before + 2);
    expect(fake.completions()).toHaveLength(1);
  });

  it('LangChain: the OpenAI RateLimitError marked MODEL_RATE_LIMIT, after its one retry', async () => {
    const before = await rateLimited();
    const times: number[] = [];
    const chat = new ChatOpenAI({
      model: 'turn',
      apiKey: TOKEN,
      maxRetries: 1,
      configuration: { baseURL, fetch: timedFetch(times) },
    });
    const e = await chat.invoke('langchain limited').catch((x: unknown) => x);
    expect(e).toMatchObject({ status: 429, lc_error_code: 'MODEL_RATE_LIMIT' });
    expect(times).toHaveLength(2);
    expect(await rateLimited()).toBe(before + 2);
    expect(fake.completions()).toHaveLength(1);
  });
});
