import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './load';

const problems = (values: unknown, env: Record<string, string> = {}) => {
  const r = loadConfig({ values, env });
  return r.isErr() ? r.error.problems : [];
};

describe('loadConfig: defaults, file, environment and validation', () => {
  it('gives the contract defaults with no file and no environment', () => {
    const c = loadConfig({ values: undefined, env: {}, path: undefined })._unsafeUnwrap();
    expect(c.server).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      authToken: '',
      maxBodyBytes: 1048576,
    });
    expect(c.openrouter.models).toEqual({
      turn: 'anthropic/claude-haiku-4.5',
      task: 'anthropic/claude-haiku-4.5',
      project: 'anthropic/claude-sonnet-4.5',
      objective: 'anthropic/claude-sonnet-4.5',
    });
    expect(c.openrouter.pricing['anthropic/claude-sonnet-4.5']).toEqual({ input: 3, output: 15 });
    expect(c.openrouter.rateLimits).toEqual({
      callsPerMinute: 60,
      tokensPerMinute: 200000,
      maxWaitMs: 10000,
      maxQueue: 1000,
    });
    expect(c.openrouter.retry).toEqual({ maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 10000 });
    expect(c.openrouter.circuitBreaker).toEqual({ consecutiveFailures: 5, halfOpenAfterMs: 30000 });
    expect(c.database.url).toBe('');
    expect(c.redis.url).toBe('');
    expect(c.dataDir).toBe('.data');
  });

  it('reads the file named by CONFIG_PATH, then lets the environment win', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const path = join(dir, 'c.yaml');
    writeFileSync(
      path,
      'server: { port: 9000, host: 0.0.0.0 }\nopenrouter: { api_key: from-file }\n',
    );
    const c = loadConfig({ env: { CONFIG_PATH: path, HOST: '127.0.0.2' } })._unsafeUnwrap();
    expect(c.server.port).toBe(9000);
    expect(c.server.host).toBe('127.0.0.2');
    expect(c.openrouter.apiKey).toBe('from-file');
    const k = loadConfig({ path, env: { OPENROUTER_API_KEY: 'from-env' } })._unsafeUnwrap();
    expect(k.openrouter.apiKey).toBe('from-env');
  });

  it('treats an empty environment variable as unset', () => {
    const c = loadConfig({
      values: { openrouter: { api_key: 'file' } },
      env: { OPENROUTER_API_KEY: '' },
    });
    expect(c._unsafeUnwrap().openrouter.apiKey).toBe('file');
  });

  it('applies every environment override', () => {
    const c = loadConfig({
      values: {},
      env: {
        OPENROUTER_BASE_URL: 'http://127.0.0.1:4010/api/v1/',
        DATABASE_URL: 'postgres://u@h/db',
        REDIS_URL: 'redis://127.0.0.1:6379',
        PORT: '9999',
        INFERENCE_API_TOKEN: 'tok',
      },
    })._unsafeUnwrap();
    expect(c.openrouter.baseUrl).toBe('http://127.0.0.1:4010/api/v1');
    expect(c.database.url).toBe('postgres://u@h/db');
    expect(c.redis.url).toBe('redis://127.0.0.1:6379');
    expect(c.server.port).toBe(9999);
    expect(c.server.authToken).toBe('tok');
  });

  it('names the key of a wrong type, with what it got', () => {
    expect(problems({ openrouter: { rate_limits: { calls_per_minute: 'lots' } } })).toEqual([
      'openrouter.rate_limits.calls_per_minute must be a positive integer, got "lots"',
    ]);
    expect(problems({ openrouter: { cache: { enabled: 'yes' } } })).toEqual([
      'openrouter.cache.enabled must be true or false, got "yes"',
    ]);
  });

  it('names the key of an impossible value', () => {
    expect(problems({ server: { port: 70000 } })).toEqual([
      'server.port must be an integer from 0 to 65535, got 70000',
    ]);
    expect(problems({ openrouter: { rate_limits: { calls_per_minute: 0 } } })[0]).toMatch(
      /^openrouter\.rate_limits\.calls_per_minute must be a positive integer/,
    );
    expect(problems({ openrouter: { pricing: { 'x/y': { input: -1, output: 1 } } } })).toEqual([
      'openrouter.pricing.x/y.input must be a non-negative number, got -1',
    ]);
    expect(problems({ openrouter: { retry: { base_delay_ms: 20000 } } })[0]).toMatch(
      /openrouter\.retry\.base_delay_ms .* must not exceed openrouter\.retry\.max_delay_ms/,
    );
    expect(problems({ openrouter: { base_url: 'ftp://x' } })[0]).toMatch(
      /^openrouter\.base_url must be an http\(s\) URL/,
    );
    expect(problems({ openrouter: { models: { turn: '' } } })[0]).toMatch(
      /^openrouter\.models\.turn must be a non-empty string/,
    );
  });

  it('names an unknown key, at any depth', () => {
    expect(problems({ sever: {} })).toEqual(['sever is not a known key']);
    expect(problems({ openrouter: { retry: { max_atempts: 3 } } })).toEqual([
      'openrouter.retry.max_atempts is not a known key',
    ]);
    expect(problems({ openrouter: { models: { galaxy: 'm' } } })).toEqual([
      'openrouter.models.galaxy is not a known key',
    ]);
  });

  it('names the variable of a bad environment value', () => {
    expect(problems({}, { PORT: 'abc' })).toEqual([
      'server.port (from PORT) must be an integer from 0 to 65535, got "abc"',
    ]);
    expect(problems({}, { DATABASE_URL: 'mysql://x' })[0]).toMatch(
      /^database\.url \(from DATABASE_URL\)/,
    );
  });

  it('reports a wrong file value even when the environment overrides it', () => {
    expect(problems({ server: { port: 'abc' } }, { PORT: '8111' })).toEqual([
      'server.port must be an integer from 0 to 65535, got "abc"',
    ]);
  });

  it('never echoes a secret in a message', () => {
    const p = problems({ openrouter: { api_key: 12345678 } });
    expect(p).toEqual(['openrouter.api_key must be a string, got a number']);
  });

  it('reports every problem at once, and a missing or broken file', () => {
    expect(problems({ server: { port: 'x', host: '' } })).toHaveLength(2);
    expect(
      loadConfig({ path: '/nonexistent/c.yaml', env: {} })._unsafeUnwrapErr().message,
    ).toContain('config file /nonexistent/c.yaml does not exist');
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 'bad.yaml'), 'server: [unclosed');
    expect(
      loadConfig({ path: join(dir, 'bad.yaml'), env: {} })._unsafeUnwrapErr().message,
    ).toContain('is not valid YAML');
    expect(problems('just a string')).toEqual([
      'the configuration must be a mapping, got "just a string"',
    ]);
  });
});
