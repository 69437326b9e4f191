import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The least a Node.js gateway can do: read the body, send it upstream on a keep-alive
 * connection, send the reply back. No validation, no log, no database. Measured beside the
 * service and the peer, it shows what one more Node.js HTTP hop costs on this machine.
 * Usage: `node bare-proxy.js <upstream base URL>`; prints `listening on <url>`.
 */
const upstream = new URL(process.argv[2] ?? '');
const agent = new Agent({ keepAlive: true });

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const out = request(
      `${upstream.href.replace(/\/$/, '')}/chat/completions`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          authorization: req.headers.authorization ?? '',
        },
      },
      (up) => {
        const body: Buffer[] = [];
        up.on('data', (c: Buffer) => body.push(c));
        up.on('end', () => {
          res.writeHead(up.statusCode ?? 502, { 'content-type': 'application/json' });
          res.end(Buffer.concat(body));
        });
      },
    );
    out.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    out.end(Buffer.concat(chunks));
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`bare proxy listening on http://127.0.0.1:${port}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
