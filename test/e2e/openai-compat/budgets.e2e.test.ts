import OpenAI from 'openai';
import { TOKEN, useCompatService } from './fixture';

// A budget too small for any call: the refusal over /v1 and what the openai SDK does with it.
describe('a /v1 call over budget', () => {
  const svc = useCompatService({
    budgets: [{ name: 'tiny', period: 'day', limit_usd: 0.000001 }],
  });

  it('429 budget_exceeded, insufficient_quota, not retried by the openai SDK, nothing upstream', async () => {
    const requests: number[] = [];
    const client = new OpenAI({
      apiKey: TOKEN,
      baseURL: svc.current.baseURL,
      fetch: (input, init) => {
        requests.push(Date.now());
        return fetch(input, init);
      },
    });
    const e = await client.chat.completions
      .create({ model: 'turn', messages: [{ role: 'user', content: 'too dear' }] })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OpenAI.RateLimitError);
    expect(e).toMatchObject({ status: 429, code: 'budget_exceeded', type: 'insufficient_quota' });
    const headers = (e as InstanceType<typeof OpenAI.RateLimitError>).headers;
    expect(headers.get('x-should-retry')).toBe('false');
    expect(Number(headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(headers.get('retry-after-ms'))).toBeGreaterThan(0);
    // x-should-retry: false, so its default two retries are not spent.
    expect(requests).toHaveLength(1);
    expect(svc.current.fake.completions()).toHaveLength(0);
    expect((await svc.current.calls()).map((c) => c.status)).toEqual(['rate_limited']);
  });
});
