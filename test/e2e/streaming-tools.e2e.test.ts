import { callsPageSchema } from '../../src/adapters/http/schemas';
import { FAKE_API_KEY, FakeOpenRouter } from '../support/fake-openrouter';
import { streamEventChecker } from '../support/openapi-stream-check';
import { request, startTestServer, type TestServer } from './harness';
import { readSse } from './sse-client';
import { SCRIPTED_TOOL_CALLS } from '../support/scripted-tool-calls';

const CALLS = SCRIPTED_TOOL_CALLS;
const TOOLS = CALLS.map((c) => ({
  type: 'function',
  function: { name: c.function.name, parameters: { type: 'object' } },
}));

// Streamed tool calls over the native API, and every event checked against the OpenAPI document.
describe('streamed tool calls and the documented event stream (POST /api/inference)', () => {
  let fake: FakeOpenRouter;
  let server: TestServer;
  let check: ReturnType<typeof streamEventChecker>;

  beforeAll(async () => {
    fake = await FakeOpenRouter.start();
    server = await startTestServer({
      openrouter: { base_url: fake.baseUrl, api_key: FAKE_API_KEY, timeout_ms: 5000 },
    });
    check = streamEventChecker(
      (await (await server.fetch('/api/openapi.json')).json()) as Record<string, any>,
      '/api/inference',
    );
  });
  afterAll(async () => {
    await server.shutdown();
    await fake.close();
  });
  beforeEach(() => fake.clear());

  const stream = (input: string, extra: Record<string, unknown> = {}) =>
    server.fetch('/api/inference', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request(input, { stream: true, cache: false, ...extra })),
    });
  const recordOf = async (id: string) =>
    callsPageSchema
      .parse(await (await server.fetch('/api/inference/calls?limit=100')).json())
      .calls.find((c) => c.id === id);

  it('fragments pass through as delta events; done and the record carry the assembled calls and finish_reason tool_calls', async () => {
    fake.script({ stream: { toolCalls: CALLS, pieces: 4 } });
    const { events } = await readSse(
      await stream('what is the weather and time in Oslo', { tools: TOOLS }),
    );
    for (const e of events)
      expect(check({ event: e.event, data: JSON.stringify(e.data) }).event).toBe(e.event);
    expect(events[0]?.event).toBe('start');
    expect(events.at(-1)?.event).toBe('done');
    const fragments = events
      .filter((e) => e.event === 'delta')
      .flatMap((e) => (e.data.toolCalls ?? []) as Array<Record<string, any>>);
    // A head and four pieces of arguments per call, each in its own delta, as upstream sent them.
    expect(fragments).toHaveLength(10);
    expect(fragments[0]).toEqual({
      index: 0,
      id: 'call_weather',
      type: 'function',
      function: { name: 'get_weather', arguments: '' },
    });
    const done = events.at(-1)!.data;
    expect(done).toMatchObject({ finishReason: 'tool_calls', toolCalls: CALLS });
    const rec = await recordOf(done.callId);
    expect(rec).toMatchObject({
      status: 'succeeded',
      streamed: true,
      finishReason: 'tool_calls',
      toolCalls: CALLS,
    });
  });

  it('a tool_choice naming a function: the call streams and is recorded', async () => {
    const { events } = await readSse(
      await stream('call the clock', {
        tools: TOOLS,
        toolChoice: { type: 'function', function: { name: 'get_time' } },
      }),
    );
    for (const e of events) check({ event: e.event, data: JSON.stringify(e.data) });
    const done = events.at(-1)!.data;
    expect(done).toMatchObject({ finishReason: 'tool_calls' });
    expect(done.toolCalls).toEqual([
      {
        id: expect.stringMatching(/^call_/),
        type: 'function',
        function: { name: 'get_time', arguments: '{}' },
      },
    ]);
    expect((await recordOf(done.callId))?.toolCalls).toEqual(done.toolCalls);
  });

  it('an error mid-stream is a documented error event', async () => {
    fake.script({ stream: { toolCalls: CALLS, errorAfter: 2 } });
    const { events } = await readSse(await stream('fails among the fragments', { tools: TOOLS }));
    expect(events.map((e) => e.event)).toEqual(['start', 'delta', 'delta', 'error']);
    for (const e of events) check({ event: e.event, data: JSON.stringify(e.data) });
  });
});
