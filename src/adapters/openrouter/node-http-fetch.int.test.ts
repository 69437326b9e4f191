import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { networkReason } from './failure';
import { nodeHttpFetch, type HttpFetch } from './node-http-fetch';

describe('nodeHttpFetch: the gateway’s HTTP client over node:http', () => {
  let server: Server;
  let base: string;
  const http = nodeHttpFetch();
  const live = () => new AbortController().signal;
  /** Resolves when the server has seen the slow-reset request's connection close. */
  let slowResetClosed: Promise<void> = Promise.resolve();

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (req.url === '/echo') {
          res.writeHead(201, { 'Content-Type': 'application/json', 'Retry-After': '3' });
          res.end(JSON.stringify({ method: req.method, body, auth: req.headers.authorization }));
        } else if (req.url === '/gzip') {
          res.writeHead(200, { 'Content-Encoding': 'gzip' });
          res.end(gzipSync('déjà compressed'));
        } else if (req.url === '/reset') {
          res.writeHead(200);
          res.write('{"partial":');
          setImmediate(() => req.socket.destroy());
        } else if (req.url === '/slow-reset') {
          slowResetClosed = new Promise((r) => req.socket.once('close', () => r()));
          setTimeout(() => req.socket.destroy(), 20);
        } else if (req.url === '/half') {
          res.writeHead(200);
          res.write('{"partial":'); // and never ends
        } else {
          res.writeHead(404);
          res.end('no such route');
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('sends method, headers and body; reads status, headers (any case) and text', async () => {
    const res = await http(`${base}/echo`, {
      method: 'POST',
      headers: { Authorization: 'Bearer k' },
      body: '{"a":1}',
      signal: live(),
    });
    expect([res.status, res.ok, res.headers.get('retry-after'), res.headers.get('X-None')]).toEqual(
      [201, true, '3', null],
    );
    expect(JSON.parse(await res.text())).toEqual({
      method: 'POST',
      body: '{"a":1}',
      auth: 'Bearer k',
    });
  });

  it('says not ok for a non-2xx status and still gives its text', async () => {
    const res = await http(`${base}/missing`, { headers: {}, signal: live() });
    expect([res.status, res.ok, await res.text()]).toEqual([404, false, 'no such route']);
  });

  it('decompresses a body the server compressed', async () => {
    const res = await http(`${base}/gzip`, { headers: {}, signal: live() });
    expect(await res.text()).toBe('déjà compressed');
  });

  it('rejects the body when the signal aborts while it is being read', async () => {
    const ctrl = new AbortController();
    const res = await http(`${base}/half`, { headers: {}, signal: ctrl.signal });
    ctrl.abort();
    await expect(res.text()).rejects.toBeDefined();
  });

  it('rejects at once for a signal already aborted, sending nothing', async () => {
    const ctrl = new AbortController();
    ctrl.abort();
    await expect(http(`${base}/echo`, { headers: {}, signal: ctrl.signal })).rejects.toThrow(
      'fetch failed',
    );
  });

  it('rejects as fetch does when nothing listens, with the code in `cause`', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const e: unknown = await http(`http://127.0.0.1:${port}/`, {
      headers: {},
      signal: live(),
    }).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(networkReason(e)).toBe('ECONNREFUSED');
  });

  it('survives a connection reset mid-body and after an abort, rejecting instead of crashing', async () => {
    const crashes: unknown[] = [];
    const onCrash = (e: unknown) => crashes.push(e);
    process.on('uncaughtException', onCrash);
    try {
      const reply = await http(`${base}/reset`, { headers: {}, signal: live() });
      await expect(reply.text()).rejects.toThrow();
      const ac = new AbortController();
      const pending = http(`${base}/slow-reset`, { headers: {}, signal: ac.signal });
      ac.abort(new Error('per-attempt timeout'));
      await expect(pending).rejects.toThrow('fetch failed');
      // Until the connection is gone on both ends (and a turn after, for what that emits).
      await slowResetClosed;
      await new Promise((r) => setImmediate(r));
      expect(crashes).toEqual([]);
    } finally {
      process.off('uncaughtException', onCrash);
    }
  });

  it('has a type the global fetch also fits, so either can be injected', () => {
    const either: HttpFetch[] = [fetch, http];
    expect(either).toHaveLength(2);
  });
});
