import { connect } from 'node:net';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';

/** What a raw exchange got back: the bytes, the status line's code, and when the peer closed. */
export interface RawReply {
  readonly text: string;
  readonly status: number;
  readonly headers: string;
  readonly body: string;
  readonly closedAfterMs: number;
}

/**
 * Sends `parts` over a fresh TCP connection (each after its delay) and collects everything the
 * server sends until it closes the connection or `giveUpMs` passes. For requests fetch will not
 * send: bad header bytes, mismatched lengths, trickled bodies.
 */
export const rawExchange = (
  url: string,
  parts: ReadonlyArray<string | Buffer | { readonly afterMs: number; readonly data: string }>,
  giveUpMs = 10_000,
): Promise<RawReply> =>
  new Promise((resolve) => {
    const { hostname, port } = new URL(url);
    const started = Date.now();
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const timers: NodeJS.Timeout[] = [];
    const finish = () => {
      for (const t of timers) clearTimeout(t);
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      resolve({
        text,
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0),
        headers: head,
        body: rest.join('\r\n\r\n'),
        closedAfterMs: Date.now() - started,
      });
    };
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('close', finish);
    socket.on('error', () => undefined);
    timers.push(setTimeout(() => socket.destroy(), giveUpMs));
    let at = 0;
    for (const p of parts) {
      if (typeof p === 'string' || Buffer.isBuffer(p)) {
        socket.write(p);
        continue;
      }
      at += p.afterMs;
      timers.push(
        setTimeout(() => {
          if (!socket.destroyed) socket.write(p.data);
        }, at),
      );
    }
  });

/**
 * A plain logger at trace level whose lines are kept in `lines`: no redaction and no error
 * serializer, so a secret the code hands to it shows up, whatever the production logger does.
 */
export const capturingLogger = (): { logger: Logger; lines: string[] } => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  const logger = pino({ level: 'trace' }, sink);
  return { logger, lines };
};
