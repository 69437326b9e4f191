import { answerTo } from '../../src/adapters/in-memory/in-memory-gateway';
import { FAKE_API_KEY, FakeOpenRouter } from './fake-openrouter';

/** The raw `data:` payloads and comment lines of an SSE body. */
const linesOf = (body: string) => ({
  comments: body.split('\n').filter((l) => l.startsWith(':')),
  data: body
    .split('\n')
    .filter((l) => l.startsWith('data: '))
    .map((l) => l.slice(6)),
});

describe('the fake OpenRouter streams', () => {
  let fake: FakeOpenRouter;
  beforeAll(async () => {
    fake = await FakeOpenRouter.start();
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.clear());

  const hello = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] };
  const chat = (init: { signal?: AbortSignal } = {}) =>
    fetch(`${fake.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${FAKE_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...hello, stream: true }),
      ...init,
    });
  const answer = answerTo({
    model: 'openai/gpt-4o-mini',
    messages: [{ role: 'user', content: 'hello' }],
  });

  it('streams comments, chunks whose content adds up to the answer, a usage chunk, then [DONE]', async () => {
    fake.script({ stream: { comments: 2 } });
    const res = await chat();
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('x-generation-id')).toBe(answer.upstreamId);
    const { comments, data } = linesOf(await res.text());
    expect(comments).toEqual([': OPENROUTER PROCESSING', ': OPENROUTER PROCESSING']);
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d) as Record<string, any>);
    const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
    expect(text).toBe(answer.text);
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: answer.inputTokens, completion_tokens: answer.outputTokens },
    });
    expect(await fake.streamsEnded(1).then(() => fake.streamEnds[0]?.completed)).toBe(true);
  });

  it('an error chunk after N text chunks ends the stream with HTTP still 200', async () => {
    fake.script({ stream: { errorAfter: 1, errorMessage: 'boom' } });
    const res = await chat();
    expect(res.status).toBe(200);
    const { data } = linesOf(await res.text());
    expect(data).toHaveLength(3);
    expect(JSON.parse(data[2]!)).toMatchObject({ error: { message: 'boom' } });
  });

  it('a scripted status answers a streaming request as JSON, as OpenRouter does before streaming', async () => {
    fake.script(429);
    expect((await chat()).status).toBe(429);
  });

  it('streams scripted tool calls as OpenAI fragments: head with id and name, arguments in pieces', async () => {
    const calls = [
      {
        id: 'call_a',
        type: 'function' as const,
        function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
      },
      {
        id: 'call_b',
        type: 'function' as const,
        function: { name: 'get_time', arguments: '{"tz":"UTC"}' },
      },
    ];
    fake.script({ stream: { toolCalls: calls, pieces: 4 } });
    const { data } = linesOf(await (await chat()).text());
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d) as Record<string, any>);
    const fragments = chunks.flatMap((c) => c.choices[0]?.delta?.tool_calls ?? []);
    // Per call: one head and four pieces of arguments, each in its own chunk.
    expect(fragments).toHaveLength(10);
    expect(fragments[0]).toEqual({
      index: 0,
      id: 'call_a',
      type: 'function',
      function: { name: 'get_weather', arguments: '' },
    });
    expect(fragments[1]).toEqual({ index: 0, function: { arguments: expect.any(String) } });
    for (const [i, c] of calls.entries()) {
      const mine = fragments.filter((f) => f.index === i);
      expect(mine.map((f) => f.function.arguments).join('')).toBe(c.function.arguments);
    }
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0].finish_reason).toBe(
      'tool_calls',
    );
  });

  it('a tool_choice naming a function streams a call to it', async () => {
    const res = await fetch(`${fake.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${FAKE_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        ...hello,
        stream: true,
        tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
        tool_choice: { type: 'function', function: { name: 'f' } },
      }),
    });
    const chunks = linesOf(await res.text())
      .data.slice(0, -1)
      .map((d) => JSON.parse(d) as Record<string, any>);
    const fragments = chunks.flatMap((c) => c.choices[0]?.delta?.tool_calls ?? []);
    expect(fragments[0]).toMatchObject({ index: 0, function: { name: 'f' } });
    expect(fragments.map((f) => f.function.arguments).join('')).toBe('{}');
  });

  it('notes a stream the client abandoned', async () => {
    fake.script({ stream: { hangAfter: 1 } });
    const abort = new AbortController();
    const res = await chat({ signal: abort.signal });
    const reader = res.body!.getReader();
    await reader.read();
    abort.abort();
    await fake.streamsEnded(1);
    expect(fake.streamEnds[0]?.completed).toBe(false);
  });
});
