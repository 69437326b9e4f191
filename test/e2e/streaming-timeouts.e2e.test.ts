import { FAKE_API_KEY, FakeOpenRouter } from '../support/fake-openrouter';
import { request, startTestServer, type TestServer } from './harness';
import { readSse } from './sse-client';

// The server's request timeout bounds receiving a request, never how long its answer may stream.
describe('a stream outlives the server’s request and keep-alive timeouts', () => {
  let fake: FakeOpenRouter;
  let server: TestServer;

  beforeAll(async () => {
    fake = await FakeOpenRouter.start();
    server = await startTestServer(
      {
        // Generous enough that a loaded machine still gets its headers in; short beside the stream.
        server: { headers_timeout_ms: 1000, request_timeout_ms: 1000, keep_alive_timeout_ms: 100 },
        openrouter: { base_url: fake.baseUrl, api_key: FAKE_API_KEY },
      },
      { memory: true },
    );
  });
  afterAll(async () => {
    await server.shutdown();
    await fake.close();
  });

  it('streams for longer than request_timeout_ms and ends with done', async () => {
    fake.script({ stream: { chunkDelayMs: 400, pieces: 4 } });
    const started = Date.now();
    const res = await server.infer(request('a slow, long answer', { stream: true }));
    const { events } = await readSse(res);
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThan(1000);
    expect(events.map((e) => e.event)).toEqual([
      'start',
      'delta',
      'delta',
      'delta',
      'delta',
      'done',
    ]);
  });
});
