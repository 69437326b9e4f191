import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { decoded, headerOf } from './node-http-fetch';

/** A reply whose body is read as it arrives (a server-sent event stream). */
export interface HttpStreamReply {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  /** The body's chunks as they arrive; ends with the reply, throws if the connection fails. */
  readonly body: AsyncIterable<Buffer>;
  /** The whole body as text (for error replies, which are not streamed). */
  text(): Promise<string>;
}

/** A POST whose reply is streamed; aborting `signal` destroys the connection at once. */
export type HttpStreamFetch = (
  url: string,
  init: {
    readonly headers: Readonly<Record<string, string>>;
    readonly body: string;
    readonly signal: AbortSignal;
  },
) => Promise<HttpStreamReply>;

const failed = (cause: unknown): Error => new TypeError('fetch failed', { cause });

const collect = async (body: AsyncIterable<Buffer>): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
};

/**
 * `HttpStreamFetch` over node:http(s) with keep-alive agents of its own (a stream holds its
 * socket for as long as it runs). Aborting destroys the socket, so upstream sees the client go.
 */
export const nodeHttpStream = (): HttpStreamFetch => {
  const http = new HttpAgent({ keepAlive: true });
  const https = new HttpsAgent({ keepAlive: true });
  return (url, init) =>
    new Promise<HttpStreamReply>((resolve, reject) => {
      if (init.signal.aborted) return reject(failed(init.signal.reason));
      const u = new URL(url);
      const secure = u.protocol === 'https:';
      const req = (secure ? httpsRequest : httpRequest)(u, {
        method: 'POST',
        headers: { ...init.headers, Accept: 'text/event-stream' },
        agent: secure ? https : http,
      });
      const abort = () => req.destroy(init.signal.reason);
      init.signal.addEventListener('abort', abort, { once: true });
      req.on('error', (e) => {
        init.signal.removeEventListener('abort', abort);
        reject(failed(e));
      });
      req.once('response', (res) => {
        res.once('close', () => init.signal.removeEventListener('abort', abort));
        // Whoever reads the body sees a failure; an unread one must not crash the process.
        res.on('error', () => undefined);
        const body = decoded(res) as AsyncIterable<Buffer>;
        let text: Promise<string> | undefined;
        resolve({
          status: res.statusCode ?? 0,
          headers: { get: (name) => headerOf(res, name) },
          body,
          text: () => (text ??= collect(body)),
        });
      });
      req.end(init.body);
    });
};
