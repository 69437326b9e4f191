import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeTraceRequest } from '../../test/support/otlp-protobuf';

/**
 * A local OTLP/HTTP receiver for `npm run bench -- --tracing`: accepts trace exports (JSON or
 * protobuf), answers 200 at once, and counts requests, bytes and spans. `GET /count`
 * answers the counts, so the run can show that tracing exported while it was measured. It runs
 * in a process of its own, so what it costs is not charged to the service or the load.
 */
const counts = { requests: 0, bytes: 0, spans: 0 };
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/count') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(counts));
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    counts.requests += 1;
    counts.bytes += body.length;
    counts.spans += (req.headers['content-type'] ?? '').includes('json')
      ? // Every span has exactly one "spanId" key; its parent's is "parentSpanId".
        body.toString('utf8').split('"spanId"').length - 1
      : decodeTraceRequest(body).length;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`OTLP sink listening on http://127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
