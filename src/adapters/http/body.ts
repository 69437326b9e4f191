import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { err, ok, type Result } from 'neverthrow';
import { problem, type ProblemResponse } from './problem';

/** True for `application/json` and `application/*+json`, with or without parameters. */
export const isJsonType = (contentType: string | undefined): boolean => {
  const mime = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return mime === 'application/json' || /^application\/[\w.+-]+\+json$/.test(mime);
};

/**
 * The charset a Content-Type names, lower-cased and unquoted; undefined when it names none.
 * JSON is UTF-8 (RFC 8259): any other charset is refused rather than misread.
 */
export const charsetOf = (contentType: string): string | undefined => {
  for (const param of contentType.split(';').slice(1)) {
    const [name = '', value = ''] = param.split('=');
    if (name.trim().toLowerCase() === 'charset') {
      return value
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .toLowerCase();
    }
  }
  return undefined;
};

const tooLarge = (limit: number): ProblemResponse =>
  problem('payload_too_large', `body: larger than ${limit} bytes (server.max_body_bytes)`);

/**
 * Reads at most `limit` bytes of the request body. The limit is enforced while reading: a
 * declared Content-Length over it is refused before a byte is read, and a chunked body is cut
 * off the moment it passes the limit, so nothing past the limit is ever buffered.
 */
export const readBody = (
  req: Readable & { readonly headers: IncomingHttpHeaders },
  limit: number,
): Promise<Result<Buffer, ProblemResponse>> => {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume(); // discard, never buffer; the response closes the connection
    return Promise.resolve(err(tooLarge(limit)));
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (r: Result<Buffer, ProblemResponse>): void => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('aborted', onError);
      resolve(r);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        done(err(tooLarge(limit)));
        req.resume();
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => done(ok(Buffer.concat(chunks, size)));
    const onError = (): void =>
      done(err(problem('invalid_request', 'body: the request body could not be read')));
    req.on('data', onData).on('end', onEnd).on('error', onError).on('aborted', onError);
  });
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses a body as UTF-8 JSON. The detail never quotes the body back. */
export const parseJson = (bytes: Buffer): Result<unknown, ProblemResponse> => {
  if (bytes.length === 0) return err(problem('invalid_request', 'body: empty, expected JSON'));
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return err(problem('invalid_request', 'body: not valid UTF-8'));
  }
  try {
    return ok(JSON.parse(text) as unknown);
  } catch {
    return err(problem('invalid_request', 'body: not valid JSON'));
  }
};
