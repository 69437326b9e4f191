import { createLogger } from './logger';

const SECRET = 'Bearer tok-3f9a1c7e5b';

describe('the service logger', () => {
  it('drops raw request bytes, headers and secrets, whatever object carries them', () => {
    const lines: string[] = [];
    const log = createLogger('trace', { write: (l: string) => void lines.push(l) });
    const parseError = Object.assign(new Error('Parse Error: Data after `Connection: close`'), {
      code: 'HPE_CLOSED_CONNECTION',
      rawPacket: Buffer.from(`POST / HTTP/1.1\r\nAuthorization: ${SECRET}\r\n\r\n`),
      config: { headers: { authorization: SECRET } },
    });
    log.error({ err: parseError }, 'koa error');
    log.info({ req: { headers: { authorization: SECRET, cookie: SECRET } } }, 'request');
    log.info({ headers: { 'x-api-key': SECRET }, authToken: SECRET, api_key: SECRET }, 'config');
    const text = lines.join('');
    expect(lines).toHaveLength(3);
    expect(text).toContain('HPE_CLOSED_CONNECTION');
    expect(text).not.toContain('tok-3f9a1c7e5b');
    expect(text).not.toContain('rawPacket');
  });
});
