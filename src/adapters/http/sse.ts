import type { InferenceStream, StreamChunk } from '../../application';
import { sendProblem, type HttpContext } from './context';
import { problemOf } from './problem';

/** The longest silence on an open stream before a `: keep-alive` comment. */
export const KEEP_ALIVE_MS = 15_000;

const frame = (event: string, data: unknown): string =>
  `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

const frameOf = (c: StreamChunk): string =>
  c.type === 'start'
    ? frame('start', { callId: c.callId, level: c.level, model: c.model })
    : frame('delta', {
        ...(c.text !== undefined ? { text: c.text } : {}),
        ...(c.toolCalls ? { toolCalls: c.toolCalls } : {}),
      });

/**
 * Answers a streamed inference as server-sent events: nothing is sent until the call starts (so
 * anything that fails before its first delta is an ordinary problem response), then `start`,
 * `delta`s, and `done` (sent once the call is recorded) or `error`; a `: keep-alive` comment
 * whenever the stream has been quiet for `keepAliveMs`. A client that goes away cancels the call.
 */
export const sendStream = async (
  ctx: HttpContext,
  s: InferenceStream,
  keepAliveMs = KEEP_ALIVE_MS,
): Promise<void> => {
  const res = ctx.res;
  const gone = () => {
    if (!res.writableFinished) s.cancel();
  };
  res.once('close', gone);
  const chunks = s[Symbol.asyncIterator]();
  const first = await chunks.next();
  const result = first.done ? await s.result : undefined;
  if (result?.isErr()) {
    res.off('close', gone);
    return sendProblem(ctx, problemOf(result.error));
  }
  ctx.status = 200;
  ctx.respond = false;
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    'X-Accel-Buffering': 'no',
  });
  let last = Date.now();
  const write = (text: string) => {
    last = Date.now();
    if (!res.destroyed) res.write(text);
  };
  const keepAlive = setInterval(
    () => {
      if (Date.now() - last >= keepAliveMs) write(': keep-alive\n\n');
    },
    Math.max(1, Math.floor(keepAliveMs / 3)),
  );
  try {
    if (result?.isOk()) {
      // Succeeded without a single delta (an empty answer): announce it, then finish.
      const { callId, level, model } = result.value;
      write(frame('start', { callId, level, model }));
    }
    // `start` comes with the first delta (both queued at once): one write, so the headers, the
    // start and the first token leave in one packet.
    let held = '';
    for (let c = first; !c.done; c = await chunks.next()) {
      if (c.value.type === 'start') held = frameOf(c.value);
      else {
        write(held + frameOf(c.value));
        held = '';
      }
    }
    const end = await s.result;
    write(
      held + (end.isOk() ? frame('done', end.value) : frame('error', problemOf(end.error).body)),
    );
  } finally {
    clearInterval(keepAlive);
    res.end();
  }
};

/** True when an inference body asks for a stream. */
export const wantsStream = (body: unknown): boolean =>
  typeof body === 'object' && body !== null && (body as { stream?: unknown }).stream === true;
