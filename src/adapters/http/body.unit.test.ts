import { PassThrough, Readable } from 'node:stream';
import fc from 'fast-check';
import { inferenceRequestSchema, parseInferenceRequest } from '../../domain';
import { isJsonType, parseJson, readBody } from './body';

const request = (chunks: Buffer[], headers: Record<string, string> = {}) =>
  Object.assign(Readable.from(chunks), { headers });

describe('readBody', () => {
  it('returns a body within the limit', async () => {
    const r = await readBody(request([Buffer.from('{"a":'), Buffer.from('1}')]), 7);
    expect(r._unsafeUnwrap().toString()).toBe('{"a":1}');
  });

  it('refuses a declared Content-Length over the limit before reading', async () => {
    const r = await readBody(request([Buffer.alloc(5)], { 'content-length': '11' }), 10);
    expect(r._unsafeUnwrapErr()).toMatchObject({
      status: 413,
      body: { code: 'payload_too_large', detail: expect.stringMatching(/larger than 10 bytes/) },
    });
  });

  it('cuts a chunked body off as soon as it passes the limit, before the body ends', async () => {
    const stream = Object.assign(new PassThrough(), { headers: {} });
    const pending = readBody(stream, 10);
    stream.write(Buffer.alloc(6));
    stream.write(Buffer.alloc(6)); // 12 > 10, and the stream never ends
    const r = await pending;
    expect(r._unsafeUnwrapErr().status).toBe(413);
    stream.destroy();
  });

  it('accepts a body of exactly the limit', async () => {
    const r = await readBody(request([Buffer.alloc(10)], { 'content-length': '10' }), 10);
    expect(r.isOk()).toBe(true);
  });
});

describe('parseJson', () => {
  it('refuses empty, non-UTF-8 and malformed bodies, naming the body', () => {
    for (const bytes of [Buffer.alloc(0), Buffer.from([0xff, 0xfe]), Buffer.from('{"a":')]) {
      const e = parseJson(bytes)._unsafeUnwrapErr();
      expect(e.status).toBe(400);
      expect(e.body.detail).toMatch(/^body: /);
    }
  });

  it('never quotes the body back', () => {
    const e = parseJson(Buffer.from('{"secret-ish": sk-or-123'))._unsafeUnwrapErr();
    expect(e.body.detail).not.toContain('sk-or-123');
  });

  it('never throws, whatever the bytes, and validation never throws on what parses', () => {
    const schema = inferenceRequestSchema(1000);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array(),
          fc.json().map((s) => Buffer.from(s)),
        ),
        (bytes) => {
          const parsed = parseJson(Buffer.from(bytes));
          if (parsed.isOk()) parseInferenceRequest(schema, parsed.value);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('isJsonType', () => {
  it('accepts JSON types only', () => {
    expect(isJsonType('application/json')).toBe(true);
    expect(isJsonType('Application/JSON; charset=utf-8')).toBe(true);
    expect(isJsonType('application/merge-patch+json')).toBe(true);
    expect(isJsonType('text/plain')).toBe(false);
    expect(isJsonType('application/x-www-form-urlencoded')).toBe(false);
    expect(isJsonType(undefined)).toBe(false);
  });
});
