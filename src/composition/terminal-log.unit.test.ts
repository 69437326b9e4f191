import { createLogger } from './logger';
import { logFormatFor, terminalDestination } from './terminal-log';

describe('the log on a terminal', () => {
  it('is text lines like the banner, not JSON, and as redacted as the JSON', () => {
    const lines: string[] = [];
    const log = createLogger('info', terminalDestination({ write: (s: string) => lines.push(s) }));
    log.warn({ url: 'http://127.0.0.1:8080', authToken: 'tok-3f9a1c7e5b', n: 2 }, 'listening');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} WARN {2}listening {2}url=http:\/\/127\.0\.0\.1:8080 authToken=\[redacted\] n=2\n$/,
    );
  });

  it('is chosen for a terminal unless LOG_FORMAT says otherwise; JSON for pipes and files', () => {
    expect(logFormatFor({ isTTY: true }, undefined)).toBe('text');
    expect(logFormatFor({ isTTY: true }, 'json')).toBe('json');
    expect(logFormatFor({}, undefined)).toBe('json');
    expect(logFormatFor({ isTTY: false }, 'text')).toBe('text');
  });
});
