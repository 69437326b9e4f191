import type { ServerResponse } from 'node:http';
import { answerTo } from '../../src/adapters/in-memory/in-memory-gateway';
import { piecesOf } from '../../src/adapters/in-memory/in-memory-stream';
import type { ToolCall } from '../../src/domain';
import type { CompletionRequest } from '../../src/ports';
import { completionReply, type FakePricing } from './fake-openrouter-replies';

/** How the fake streams one reply (every field optional: a plain stream by default). */
export interface StreamScript {
  /** `: OPENROUTER PROCESSING` comment lines before the first chunk (default 1). */
  readonly comments?: number;
  /** Waits this long (after the headers and comments) before the first chunk. */
  readonly firstChunkDelayMs?: number;
  /** Waits this long between chunks. */
  readonly chunkDelayMs?: number;
  /** After this many content chunks, an `error` chunk (HTTP stays 200) ends the stream. */
  readonly errorAfter?: number;
  readonly errorCode?: number | string;
  readonly errorMessage?: string;
  /** After this many content chunks, nothing more is sent (the connection stays open). */
  readonly hangAfter?: number;
  /** Leave out the usage chunk. */
  readonly noUsage?: boolean;
  /** Text pieces, and pieces of each tool call's arguments (default 3). */
  readonly pieces?: number;
  /**
   * Tool calls to stream instead of the answer's own (a `tool_choice` naming a function gets one
   * by default): each as a fragment with its index, id and name, then its arguments in pieces,
   * as OpenAI's `delta.tool_calls` carries them; the finish reason is then `tool_calls`.
   */
  readonly toolCalls?: readonly ToolCall[];
}

/** How one streamed reply ended, as the fake saw it. */
export interface StreamEnd {
  /** True when the fake sent everything; false when the client closed the connection first. */
  readonly completed: boolean;
  /** Milliseconds since the epoch. */
  readonly at: number;
}

/** The `delta.tool_calls` fragments of tool calls: each call's head, then its arguments in pieces. */
export const toolCallFragments = (calls: readonly ToolCall[], pieces = 3): object[][] =>
  calls.flatMap((c, index) => [
    [{ index, id: c.id, type: 'function', function: { name: c.function.name, arguments: '' } }],
    ...piecesOf(c.function.arguments, pieces).map((p) => [{ index, function: { arguments: p } }]),
  ]);

/**
 * The chunks (data lines) of a streamed answer, in OpenRouter's `chat.completion.chunk` shape:
 * the role chunk and the content chunks (`text`: text pieces, then tool-call fragments), then
 * the finish and usage chunks (`tail`).
 */
export const streamChunks = (
  req: CompletionRequest,
  models: Readonly<Record<string, FakePricing>>,
  pieces = 3,
  toolCalls?: readonly ToolCall[],
): { id: string | null; text: string[]; tail: object[] } => {
  const a = answerTo(req);
  const tools = toolCalls ?? a.toolCalls ?? [];
  const full = completionReply(req, models) as { usage: object };
  const base = {
    id: a.upstreamId,
    provider: 'Fake',
    model: a.model,
    object: 'chat.completion.chunk',
    created: 1_767_225_600,
  };
  const chunk = (delta: object, finish: string | null) => ({
    ...base,
    choices: [{ index: 0, delta, finish_reason: finish, native_finish_reason: finish }],
  });
  return {
    id: a.upstreamId,
    text: [
      JSON.stringify(chunk({ role: 'assistant', content: '' }, null)),
      ...piecesOf(a.text, pieces).map((p) =>
        JSON.stringify(chunk({ role: 'assistant', content: p }, null)),
      ),
      ...toolCallFragments(tools, pieces).map((t) =>
        JSON.stringify(chunk({ role: 'assistant', content: null, tool_calls: t }, null)),
      ),
    ],
    tail: [
      chunk({ role: 'assistant', content: '' }, tools.length > 0 ? 'tool_calls' : 'stop'),
      { ...base, choices: [], usage: full.usage },
    ],
  };
};

const wait = (ms: number, res: ServerResponse): Promise<boolean> =>
  new Promise((resolve) => {
    if (ms <= 0) return resolve(!res.destroyed);
    const t = setTimeout(() => resolve(!res.destroyed), ms);
    res.once('close', () => {
      clearTimeout(t);
      resolve(false);
    });
  });

/**
 * Sends a stream: headers with `X-Generation-Id`, comments, the role chunk, text chunks, the
 * finish chunk, the usage chunk and `[DONE]`, as OpenRouter does; the script bends it.
 */
export const playStream = async (
  res: ServerResponse,
  req: CompletionRequest,
  models: Readonly<Record<string, FakePricing>>,
  s: StreamScript,
): Promise<void> => {
  const { id, text, tail } = streamChunks(req, models, s.pieces, s.toolCalls);
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    ...(id === null ? {} : { 'x-generation-id': id }),
  });
  for (let i = 0; i < (s.comments ?? 1); i++) res.write(': OPENROUTER PROCESSING\n\n');
  if (!(await wait(s.firstChunkDelayMs ?? 0, res))) return;
  const send = (data: string) => res.write(`data: ${data}\n\n`);
  for (const [i, line] of text.entries()) {
    if (i > 0 && !(await wait(s.chunkDelayMs ?? 0, res))) return;
    send(line);
    // `i` counts the role chunk: after it come `i` content chunks.
    if (s.hangAfter !== undefined && i >= s.hangAfter) return;
    if (s.errorAfter !== undefined && i >= s.errorAfter) {
      send(
        JSON.stringify({
          id,
          object: 'chat.completion.chunk',
          error: { code: s.errorCode ?? 502, message: s.errorMessage ?? 'Provider disconnected' },
          choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error' }],
        }),
      );
      res.end();
      return;
    }
  }
  for (const [i, c] of tail.entries()) {
    if (i === 1 && s.noUsage) continue;
    send(JSON.stringify(c));
  }
  send('[DONE]');
  res.end();
};
