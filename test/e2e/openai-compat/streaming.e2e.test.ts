import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { ChatOpenAI } from '@langchain/openai';
import { streamText } from 'ai';
import OpenAI from 'openai';
import { TOKEN, useCompatService, type CallView } from './fixture';

type Usage = OpenAI.CompletionUsage & { cost: number };

// Streamed /v1 calls with each SDK, over the real gateway streaming from the fake OpenRouter.
describe('streamed /v1 calls', () => {
  const svc = useCompatService();
  const client = (apiKey = TOKEN) =>
    new OpenAI({ apiKey, baseURL: svc.current.baseURL, maxRetries: 0 });
  const question = (content: string): OpenAI.ChatCompletionMessageParam[] => [
    { role: 'user', content },
  ];
  /** Polls the records (each poll a real request) until `id` has a record in `status`. */
  const recorded = async (id: string, status: string): Promise<CallView> => {
    for (let i = 0; i < 500; i++) {
      const found = (await svc.current.calls()).find((c) => c.id === id && c.status === status);
      if (found) return found;
    }
    throw new Error(`call ${id} never recorded as ${status}`);
  };

  it('openai: role first, text deltas, finish, the usage chunk with cost, one call id', async () => {
    const stream = await client().chat.completions.create({
      model: 'turn',
      messages: question('stream me'),
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toMatch(/^echo\(\w+\): stream me$/);
    expect(chunks.filter((c) => c.choices[0]?.finish_reason === 'stop')).toHaveLength(1);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    const record = await svc.current.call(last.id);
    expect(record).toMatchObject({ status: 'succeeded', level: 'turn' });
    const usage = last.usage as Usage;
    expect(usage).toMatchObject({
      prompt_tokens: record.inputTokens,
      completion_tokens: record.outputTokens,
      cost: record.costUsd,
    });
    expect(usage.cost).toBeGreaterThan(0);
  });

  it('raw: data lines, [DONE] last, no usage chunk unless asked', async () => {
    const res = await svc.current.server.fetch('/v1/chat/completions', {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'task', messages: question('raw stream'), stream: true }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const lines = (await res.text()).split('\n').filter((l) => l.startsWith('data: '));
    expect(lines.at(-1)).toBe('data: [DONE]');
    const chunks = lines
      .slice(0, -1)
      .map((l) => JSON.parse(l.slice(6)) as OpenAI.ChatCompletionChunk);
    expect(chunks.every((c) => c.choices.length === 1 && c.usage === undefined)).toBe(true);
    expect(res.headers.get('x-headspace-call-id')).toBe(chunks[0]?.id);
  });

  it('openai: a failure after the start is an error chunk, raised as an APIError', async () => {
    svc.current.fake.script({ stream: { errorAfter: 1, errorMessage: 'provider fell over' } });
    const stream = await client().chat.completions.create({
      model: 'turn',
      messages: question('fails midway'),
      stream: true,
    });
    const seen: OpenAI.ChatCompletionChunk[] = [];
    const e = await (async () => {
      for await (const c of stream) seen.push(c);
    })().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OpenAI.APIError);
    expect((e as InstanceType<typeof OpenAI.APIError>).message).toMatch(/upstream|provider/i);
    expect(seen[0]?.choices[0]?.delta.role).toBe('assistant');
    expect((await recorded(seen[0]!.id, 'failed')).status).toBe('failed');
  });

  it('openai: a failure before the start is an ordinary error (401)', async () => {
    const e = await client('wrong')
      .chat.completions.create({ model: 'turn', messages: question('x'), stream: true })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('openai: a client that aborts mid-stream cancels the call', async () => {
    svc.current.fake.script({ stream: { hangAfter: 1 } });
    const abort = new AbortController();
    const stream = await client().chat.completions.create(
      { model: 'turn', messages: question('abandoned'), stream: true },
      { signal: abort.signal },
    );
    let id = '';
    await (async () => {
      for await (const c of stream) {
        id = c.id;
        if (c.choices[0]?.delta.content) abort.abort();
      }
    })().catch(() => undefined);
    expect((await recorded(id, 'cancelled')).status).toBe('cancelled');
  });

  it('AI SDK streamText: the text as it streams, usage from the usage chunk', async () => {
    const provider = createOpenAICompatible({
      name: 'headspace',
      apiKey: TOKEN,
      baseURL: svc.current.baseURL,
      includeUsage: true,
    });
    const r = streamText({ model: provider('project'), prompt: 'ai sdk stream', maxRetries: 0 });
    let text = '';
    for await (const t of r.textStream) text += t;
    expect(text).toMatch(/^echo\(\w+\): ai sdk stream$/);
    expect(await r.finishReason).toBe('stop');
    const id = (await r.response).id;
    const record = await svc.current.call(id);
    expect(record).toMatchObject({ level: 'project', status: 'succeeded' });
    const usage = await r.usage;
    expect([usage.inputTokens, usage.outputTokens]).toEqual([
      record.inputTokens,
      record.outputTokens,
    ]);
  });

  it('LangChain stream: chunks that add up to the answer, usage on the last', async () => {
    const chat = new ChatOpenAI({
      model: 'turn',
      apiKey: TOKEN,
      maxRetries: 0,
      configuration: { baseURL: svc.current.baseURL },
    });
    let text = '';
    let usage: { input_tokens: number; output_tokens: number } | undefined;
    let id = '';
    for await (const c of await chat.stream('langchain stream')) {
      text += typeof c.content === 'string' ? c.content : '';
      usage = c.usage_metadata ?? usage;
      id ||= c.id ?? '';
    }
    expect(text).toMatch(/^echo\(\w+\): langchain stream$/);
    const record = await svc.current.call(id);
    expect(usage).toMatchObject({
      input_tokens: record.inputTokens,
      output_tokens: record.outputTokens,
    });
  });
});
