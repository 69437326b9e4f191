import { prompt } from './prompt';
import { answerTo } from '../../src/adapters/in-memory/in-memory-gateway';
import { FAKE_API_KEY, FakeOpenRouter } from './fake-openrouter';

describe('the fake OpenRouter itself', () => {
  let fake: FakeOpenRouter;
  beforeAll(async () => {
    fake = await FakeOpenRouter.start();
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.clear());

  const chat = (body: unknown, key = FAKE_API_KEY) =>
    fetch(`${fake.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const hello = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] };

  it('answers in OpenRouter’s shape, as answerTo does, priced from its model list', async () => {
    const res = await chat(hello);
    const a = answerTo({ model: 'openai/gpt-4o-mini', messages: prompt('hello') });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      id: a.upstreamId,
      model: 'openai/gpt-4o-mini',
      choices: [{ message: { role: 'assistant', content: a.text } }],
      usage: {
        prompt_tokens: a.inputTokens,
        completion_tokens: a.outputTokens,
        cost: expect.closeTo((a.inputTokens * 0.15 + a.outputTokens * 0.6) / 1e6, 12),
      },
    });
  });

  it('needs the bearer key, except for the public model list', async () => {
    expect((await chat(hello, 'sk-or-wrong')).status).toBe(401);
    expect((await fetch(`${fake.baseUrl}/key`)).status).toBe(401);
    expect((await fetch(`${fake.baseUrl}/models`)).status).toBe(200);
    expect((await fetch(`${fake.baseUrl}/nope`)).status).toBe(404);
  });

  it('plays scripted steps in order, then answers normally; `always` sets the default', async () => {
    fake.script(429, { status: 503, retryAfter: 7 }, 'malformed');
    const first = await chat(hello);
    expect(first.status).toBe(429);
    expect(await first.json()).toMatchObject({ error: { message: 'Rate limit exceeded' } });
    expect((await chat(hello)).headers.get('retry-after')).toBe('7');
    expect(await (await chat(hello)).text()).toBe('{"id":"gen-');
    expect((await chat(hello)).status).toBe(200);
    fake.always(500);
    expect((await chat(hello)).status).toBe(500);
    expect((await chat(hello)).status).toBe(500);
  });

  it('a reset drops the connection', async () => {
    fake.script('reset');
    await expect(chat(hello)).rejects.toThrow();
  });

  it('keeps what it received: headers, and the body parsed, or raw when not JSON', async () => {
    await chat(hello);
    await chat('not json');
    await fake.requests(2);
    const [a, b] = fake.received;
    expect(a?.headers['content-type']).toBe('application/json');
    expect(a?.body).toEqual(hello);
    expect(b?.body).toBe('not json');
  });
});
