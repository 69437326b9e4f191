import pino from 'pino';
import type { HealthReport } from '../ports';
import { probeLogger } from './probe-log';

const report = (over: Partial<HealthReport>, at = 0): HealthReport => ({
  reachable: true,
  authenticated: true,
  checkedAt: new Date(at).toISOString(),
  latencyMs: at,
  error: null,
  ...over,
});
const offline = (at: number) =>
  report(
    { reachable: false, authenticated: null, error: 'getaddrinfo ENOTFOUND openrouter.ai' },
    at,
  );

describe('probeLogger', () => {
  const setup = (apiKeyConfigured = true) => {
    const lines: Array<{ level: number; msg: string; error?: string }> = [];
    const log = pino({}, { write: (s: string) => void lines.push(JSON.parse(s)) });
    return { lines, onProbe: probeLogger(log, apiKeyConfigured) };
  };

  it('logs a failing probe once, however often it repeats', () => {
    const { lines, onProbe } = setup();
    for (let minute = 0; minute < 60; minute++) onProbe(offline(minute * 60_000));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, error: 'getaddrinfo ENOTFOUND openrouter.ai' });
  });

  it('logs again when the failure changes and when it recovers, and is quiet while healthy', () => {
    const { lines, onProbe } = setup();
    onProbe(report({}, 1));
    onProbe(report({}, 2));
    expect(lines).toHaveLength(0);
    onProbe(offline(3));
    onProbe(offline(4));
    onProbe(report({ authenticated: false, error: 'OpenRouter answered 401' }, 5));
    onProbe(report({}, 6));
    onProbe(report({}, 7));
    onProbe(report({ authenticated: null, error: 'no API key configured' }, 8));
    expect(lines.map((l) => [l.level, l.error ?? null])).toEqual([
      [40, 'getaddrinfo ENOTFOUND openrouter.ai'],
      [40, 'OpenRouter answered 401'],
      [30, null],
    ]);
  });

  it('says nothing at info or above without an API key: offline is fine when nothing is called', () => {
    const { lines, onProbe } = setup(false);
    onProbe(offline(1));
    onProbe(report({ authenticated: null, error: 'no API key configured' }, 2));
    onProbe(offline(3));
    expect(lines).toEqual([]);
  });
});
