import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { safeError } from './log-safe';
import { problem, type ProblemResponse } from './problem';

/** The problem for an error Node's HTTP parser or its timeouts raised before Koa saw a request. */
export const clientErrorProblem = (code: string | undefined): ProblemResponse => {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return problem('headers_too_large', 'headers: larger than the server accepts');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return problem('request_timeout', 'request: not received in time');
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return problem('invalid_request', 'headers: both Content-Length and Transfer-Encoding');
    default:
      return problem('invalid_request', 'request: malformed HTTP');
  }
};

/** The raw HTTP/1.1 response for a problem, written straight to a socket. */
export const rawProblemResponse = (p: ProblemResponse): string => {
  const body = JSON.stringify(p.body);
  return (
    `HTTP/1.1 ${p.status} ${STATUS_CODES[p.status] ?? 'Error'}\r\n` +
    'Content-Type: application/problem+json\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Connection: close\r\n\r\n' +
    body
  );
};

type ClientSocket = Duplex & { readonly _httpMessage?: { readonly headersSent?: boolean } | null };

/**
 * A `clientError` listener for the node:http server: answers Node's own refusals (a bad header
 * byte, Content-Length with Transfer-Encoding, oversized headers, a request past its timeout)
 * as problem+json like every other error, and logs the error's code without the raw request
 * bytes Node attaches (`rawPacket`, which holds every header, the bearer token included).
 */
export const onClientError =
  (logger: Logger) =>
  (e: Error & { code?: string }, socket: ClientSocket): void => {
    // A peer that went away is not worth a line above debug, nor an answer.
    if (e.code === 'ECONNRESET' || !socket.writable) {
      logger.debug({ err: safeError(e) }, 'client connection error');
      socket.destroy();
      return;
    }
    const p = clientErrorProblem(e.code);
    logger.info({ err: safeError(e), status: p.status }, 'malformed request refused');
    // Like Node's own handler: answer only when no response to this socket has begun.
    if (!socket._httpMessage?.headersSent) socket.end(rawProblemResponse(p));
    socket.destroy();
  };
