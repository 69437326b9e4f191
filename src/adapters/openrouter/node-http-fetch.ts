import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { pipeline, type Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

/** What the gateway reads of an HTTP reply; a fetch `Response` has all of it. */
export interface HttpReply {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** What the gateway asks of an HTTP client; the global `fetch` fits this type. */
export type HttpFetch = (
  url: string,
  init: {
    readonly method?: string;
    readonly headers: Readonly<Record<string, string>>;
    readonly body?: string;
    readonly signal: AbortSignal;
  },
) => Promise<HttpReply>;

/** The body, decompressed if the server compressed it anyway (we do not ask it to). */
export const decoded = (res: IncomingMessage): Readable => {
  const decoder = decoderFor(res.headers['content-encoding']);
  // pipeline, unlike pipe, passes an aborted or failed response on as an error.
  return decoder ? pipeline(res, decoder, () => undefined) : res;
};

const decoderFor = (encoding: string | undefined) => {
  if (encoding === 'gzip') return createGunzip();
  if (encoding === 'deflate') return createInflate();
  if (encoding === 'br') return createBrotliDecompress();
  return undefined;
};

const textOf = (body: Readable): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let ended = false;
    body.on('data', (c: Buffer) => chunks.push(c));
    body.once('end', () => {
      ended = true;
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    body.on('error', reject);
    body.once('close', () => {
      if (!ended) reject(new Error('the connection closed before the reply ended'));
    });
  });

/** Rejects the way fetch does, so `networkReason` finds the code in `cause`. */
const failed = (cause: unknown): Error => new TypeError('fetch failed', { cause });

/**
 * `HttpFetch` over node:http(s) with keep-alive agents. On the project VM the global fetch
 * (undici, web streams) cost ~1 ms of CPU per upstream call and was the largest item in the
 * service's profile; this is ~0.25 ms for the same request on the same connection reuse.
 */
export const nodeHttpFetch = (): HttpFetch => {
  const agents = {
    'http:': new HttpAgent({ keepAlive: true }),
    'https:': new HttpsAgent({ keepAlive: true }),
  };
  return (url, init) =>
    new Promise<HttpReply>((resolve, reject) => {
      // Checked before a request exists: one created and then abandoned would hold a socket
      // with no error listener, and its later hang-up would crash the process.
      if (init.signal.aborted) return reject(failed(init.signal.reason));
      const u = new URL(url);
      const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
      const agent = u.protocol === 'https:' ? agents['https:'] : agents['http:'];
      const req = send(u, { method: init.method ?? 'GET', headers: init.headers, agent });
      const abort = () => req.destroy(init.signal.reason);
      init.signal.addEventListener('abort', abort, { once: true });
      // `on`, not `once`: a request can emit a second error (an abort, then the socket's
      // hang-up), and an 'error' with no listener crashes the process.
      req.on('error', (e) => {
        init.signal.removeEventListener('abort', abort);
        reject(failed(e));
      });
      req.once('response', (res) => {
        const text = textOf(decoded(res)).finally(() =>
          init.signal.removeEventListener('abort', abort),
        );
        // A reply nobody reads must not be an unhandled rejection.
        text.catch(() => undefined);
        const status = res.statusCode ?? 0;
        resolve({
          status,
          ok: status >= 200 && status <= 299,
          headers: { get: (name) => headerOf(res, name) },
          text: () => text,
        });
      });
      req.end(init.body);
    });
};

/** One response header as a string (repeated ones joined), or null. */
export const headerOf = (res: IncomingMessage, name: string): string | null => {
  const v = res.headers[name.toLowerCase()];
  if (v === undefined) return null;
  return Array.isArray(v) ? v.join(', ') : v;
};
