import OpenAI from 'openai';
import { streamEventChecker } from '../../support/openapi-stream-check';
import { TOKEN, useCompatService, WEATHER_PARAMETERS } from './fixture';
import { SCRIPTED_TOOL_CALLS } from '../../support/scripted-tool-calls';

const CALLS = SCRIPTED_TOOL_CALLS;
const TOOLS: OpenAI.ChatCompletionTool[] = CALLS.map((c) => ({
  type: 'function',
  function: { name: c.function.name, parameters: WEATHER_PARAMETERS },
}));

// Streamed tool calls under /v1: the fragments reach the openai SDK, which assembles them.
describe('streamed tool calls on /v1/chat/completions', () => {
  const svc = useCompatService();
  const client = () => new OpenAI({ apiKey: TOKEN, baseURL: svc.current.baseURL, maxRetries: 0 });
  const messages: OpenAI.ChatCompletionMessageParam[] = [
    { role: 'user', content: 'weather and time in Oslo?' },
  ];

  it('openai stream helper: the fragments assemble into both calls, finish_reason tool_calls, as recorded', async () => {
    svc.current.fake.script({ stream: { toolCalls: CALLS, pieces: 4 } });
    const stream = client().chat.completions.stream({ model: 'turn', messages, tools: TOOLS });
    const fragments: OpenAI.ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
    stream.on('chunk', (c) => fragments.push(...(c.choices[0]?.delta.tool_calls ?? [])));
    const argumentDeltas: string[] = [];
    stream.on('tool_calls.function.arguments.delta', (e) => argumentDeltas.push(e.arguments_delta));
    const final = await stream.finalChatCompletion();
    // Upstream's fragments went through one by one: a head and four argument pieces per call.
    expect(fragments).toHaveLength(10);
    expect(argumentDeltas.filter((d) => d !== '')).toHaveLength(8);
    const choice = final.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.tool_calls).toEqual(CALLS);
    const record = await svc.current.call(final.id);
    expect(record).toMatchObject({
      status: 'succeeded',
      finishReason: 'tool_calls',
      toolCalls: CALLS,
    });
  });

  it('openai stream helper with tool_choice: the named call arrives assembled', async () => {
    const stream = client().chat.completions.stream({
      model: 'turn',
      messages,
      tools: TOOLS,
      tool_choice: { type: 'function', function: { name: 'get_time' } },
    });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(final.choices[0]?.message.tool_calls).toEqual([
      {
        id: expect.stringMatching(/^call_/),
        type: 'function',
        function: { name: 'get_time', arguments: '{}' },
      },
    ]);
    expect((await svc.current.call(final.id)).toolCalls).toEqual(
      final.choices[0]?.message.tool_calls,
    );
  });

  it('raw: every data line is a documented kind, tool-call fragments in OpenAI chunk shape', async () => {
    svc.current.fake.script({ stream: { toolCalls: CALLS } });
    const auth = { authorization: `Bearer ${TOKEN}` };
    const doc = (await (
      await svc.current.server.fetch('/api/openapi.json', { headers: auth })
    ).json()) as Record<string, any>;
    const check = streamEventChecker(doc, '/v1/chat/completions');
    const res = await svc.current.server.fetch('/v1/chat/completions', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      // Not the first test's messages: that answer is cached, and a hit streams as one delta.
      body: JSON.stringify({
        model: 'turn',
        messages: [{ role: 'user', content: 'raw weather and time' }],
        tools: TOOLS,
        stream: true,
      }),
    });
    const lines = (await res.text())
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => l.slice(6));
    const kinds = lines.map((data) => check({ data }).description);
    expect(kinds.at(-1)).toMatch(/end of the stream/);
    expect(new Set(kinds.slice(0, -1)).size).toBe(1);
    const withTools = lines.slice(0, -1).filter((l) => l.includes('tool_calls'));
    // A head and three pieces of arguments per call, then the finish chunk.
    expect(withTools).toHaveLength(2 * 4 + 1);
  });
});
