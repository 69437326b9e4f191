import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { err, ok, type Result } from 'neverthrow';
import pino from 'pino';
import { inferenceError, type InferenceError } from '../../../domain';
import type { HttpState } from '../context';
import type { NativeAnswer } from './chat-response';
import { waitFor } from '../../../../test/support/wait-for';
import { answerStream, type StreamedCall, type StreamPiece } from './chat-stream';

const answer: NativeAnswer = {
  callId: 'call-1',
  model: 'm',
  text: 'ab',
  inputTokens: 3,
  outputTokens: 2,
  costUsd: 0.5,
  cached: false,
};

/** A streamed call that yields `pieces`, then holds (when `hold`) until cancelled. */
const scripted = (
  pieces: StreamPiece[],
  result: Result<NativeAnswer, InferenceError>,
  hold = false,
): StreamedCall & { cancelled: boolean } => {
  let release: () => void = () => undefined;
  const held = new Promise<void>((r) => (release = r));
  const call = {
    cancelled: false,
    result: (async () => {
      if (hold) await held;
      return result;
    })(),
    cancel: () => {
      call.cancelled = true;
      release();
    },
    async *[Symbol.asyncIterator]() {
      yield* pieces;
      if (hold) await held;
    },
  };
  return call;
};

describe('answerStream over real HTTP', () => {
  let server: Server;
  let url: string;
  let next: { call: StreamedCall; includeUsage: boolean };
  /** What Koa reported, as the service's app logs it (without a listener Koa prints it). */
  const koaErrors: Array<{ code?: string }> = [];

  beforeAll(async () => {
    const app = new Koa<HttpState>();
    app.on('error', (e: { code?: string }) => koaErrors.push(e));
    app.use(async (ctx) => {
      ctx.state.log = pino({ level: 'silent' });
      await answerStream(ctx, next.call, { includeUsage: next.includeUsage, params: {} });
    });
    server = createServer(app.callback()).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  const data = async (res: Response) =>
    (await res.text())
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) =>
        l === 'data: [DONE]' ? '[DONE]' : (JSON.parse(l.slice(6)) as Record<string, any>),
      );

  it('role chunk, deltas, finish, usage when asked, [DONE]', async () => {
    next = {
      call: scripted(
        [
          { type: 'start', callId: 'call-1', model: 'm' },
          { type: 'delta', text: 'a' },
          { type: 'delta', text: 'b' },
        ],
        ok(answer),
      ),
      includeUsage: true,
    };
    const res = await fetch(url);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('x-headspace-call-id')).toBe('call-1');
    const lines = await data(res);
    expect(lines.map((l) => (l === '[DONE]' ? l : (l.choices[0]?.delta ?? 'usage')))).toEqual([
      { role: 'assistant', content: '' },
      { content: 'a' },
      { content: 'b' },
      {},
      'usage',
      '[DONE]',
    ]);
    expect(lines[3]).toMatchObject({ choices: [{ finish_reason: 'stop' }] });
    expect(lines[4]).toMatchObject({ choices: [], usage: { prompt_tokens: 3, cost: 0.5 } });
  });

  it('a failure after the start: an error chunk, then [DONE]', async () => {
    next = {
      call: scripted(
        [
          { type: 'start', callId: 'call-2', model: 'm' },
          { type: 'delta', text: 'a' },
        ],
        err(inferenceError('upstream_error', 'OpenRouter stream broke')),
      ),
      includeUsage: true,
    };
    const lines = await data(await fetch(url));
    expect(lines.slice(-2)).toEqual([
      {
        error: {
          message: 'OpenRouter stream broke',
          type: 'server_error',
          param: null,
          code: 'upstream_error',
        },
      },
      '[DONE]',
    ]);
  });

  it('a failure before the start: an ordinary error with its status and headers', async () => {
    const limited = inferenceError('rate_limited', 'rate limit calls_per_minute reached', {
      retryAfterMs: 2000,
      limit: 'calls_per_minute',
    });
    next = { call: scripted([], err(limited)), includeUsage: false };
    const res = await fetch(url);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after-ms')).toBe('2000');
    expect(await res.json()).toMatchObject({ error: { code: 'rate_limited' } });
  });

  it('a client that goes away cancels the call', async () => {
    const call = scripted([{ type: 'start', callId: 'call-3', model: 'm' }], ok(answer), true);
    next = { call, includeUsage: false };
    const abort = new AbortController();
    const res = await fetch(url, { signal: abort.signal });
    const reader = res.body!.getReader();
    await reader.read(); // the role chunk arrived
    abort.abort();
    for (let i = 0; i < 10_000 && !call.cancelled; i++) await new Promise((r) => setImmediate(r));
    expect(call.cancelled).toBe(true);
    // The response ended early: Koa says so, and says nothing else.
    await waitFor(async () => (koaErrors.length > 0 ? true : undefined), 5000, { everyMs: 10 });
    expect(koaErrors.map((e) => e.code)).toEqual(['ERR_STREAM_PREMATURE_CLOSE']);
  });
});
