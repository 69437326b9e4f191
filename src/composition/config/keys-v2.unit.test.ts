import { loadConfig } from './load';

const problems = (values: unknown, env: Record<string, string> = {}) => {
  const r = loadConfig({ values, env });
  return r.isErr() ? r.error.problems : [];
};
const config = (values: unknown) => loadConfig({ values, env: {} })._unsafeUnwrap();

describe('loadConfig: the keys added for budgets, fallbacks, timeouts and cache prices', () => {
  it('gives their defaults', () => {
    const c = config(undefined);
    expect(c.server).toMatchObject({
      metricsPublic: false,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
    });
    expect(c.database.statementTimeoutMs).toBe(2_000);
    expect(c.openrouter.fallbacks).toEqual({});
    expect(c.openrouter.allowedModels).toEqual([]);
    expect(c.openrouter.structuredOutput).toEqual({ repairAttempts: 1, validateTimeoutMs: 1000 });
    expect(c.budgets).toEqual([]);
    expect(c.openrouter.pricing['anthropic/claude-haiku-4.5']).toEqual({ input: 1, output: 5 });
  });

  it('camel-cases budgets and keeps optional keys out when not given', () => {
    const c = config({
      budgets: [
        { name: 'daily', period: 'day', limit_usd: 5 },
        { name: 'p', period: 'month', limit_usd: 0.5, level: 'task', project_id: 'proj' },
      ],
    });
    expect(c.budgets).toEqual([
      { name: 'daily', period: 'day', limitUsd: 5 },
      { name: 'p', period: 'month', limitUsd: 0.5, level: 'task', projectId: 'proj' },
    ]);
    expect(Object.keys(c.budgets[0] ?? {})).toEqual(['name', 'period', 'limitUsd']);
  });

  it('names the exact key of a bad budget', () => {
    expect(
      problems({
        budgets: [
          { name: 'a', period: 'day', limit_usd: 1 },
          { name: 'b', period: 'year', limit_usd: 1 },
        ],
      }),
    ).toEqual(['budgets.1.period must be one of day, week, month, got "year"']);
    expect(problems({ budgets: [{ name: 'a', period: 'day', limit_usd: 0 }] })).toEqual([
      'budgets.0.limit_usd must be a positive number, got 0',
    ]);
    expect(problems({ budgets: [{ name: 'a', period: 'day', limit_usd: 1, level: 'x' }] })).toEqual(
      ['budgets.0.level must be one of turn, task, project, objective, got "x"'],
    );
    expect(problems({ budgets: [{ period: 'day', limit_usd: 1 }] })).toEqual([
      'budgets.0.name must be a non-empty string, got nothing',
    ]);
    expect(problems({ budgets: [{ name: 'a', period: 'day', limit_usd: 1, cap: 2 }] })).toEqual([
      'budgets.0.cap is not a known key',
    ]);
    expect(problems({ budgets: { name: 'a' } })).toEqual([
      'budgets must be a list of budgets, got {"name":"a"}',
    ]);
  });

  it('refuses two budgets with one name', () => {
    const b = { name: 'same', period: 'day', limit_usd: 1 };
    expect(problems({ budgets: [b, { ...b, period: 'week' }] })).toEqual([
      'budgets.1.name must be a name no other budget has, got "same"',
    ]);
  });

  it('reads fallbacks per level and names a bad one', () => {
    const c = config({ openrouter: { fallbacks: { turn: ['a/b', 'c/d'] } } });
    expect(c.openrouter.fallbacks).toEqual({ turn: ['a/b', 'c/d'] });
    expect(problems({ openrouter: { fallbacks: { galaxy: ['a'] } } })).toEqual([
      'openrouter.fallbacks.galaxy is not a known key',
    ]);
    expect(problems({ openrouter: { fallbacks: { task: ['ok', ''] } } })).toEqual([
      'openrouter.fallbacks.task.1 must be a non-empty string, got ""',
    ]);
    expect(problems({ openrouter: { allowed_models: 'a/b' } })).toEqual([
      'openrouter.allowed_models must be a list of non-empty strings, got "a/b"',
    ]);
  });

  it('reads cache prices, leaves them out when empty, and adds models to the built-in prices', () => {
    const c = config({
      openrouter: {
        pricing: { 'x/y': { input: 1, output: 2, cache_read: 0.1, cache_write: null } },
      },
    });
    expect(c.openrouter.pricing['x/y']).toMatchObject({ input: 1, output: 2, cacheRead: 0.1 });
    expect(c.openrouter.pricing['x/y']?.cacheWrite ?? undefined).toBeUndefined();
    expect(c.openrouter.pricing['anthropic/claude-sonnet-4.5']).toEqual({ input: 3, output: 15 });
    expect(config({ openrouter: { pricing: null } }).openrouter.pricing).toEqual(
      config({}).openrouter.pricing,
    );
    expect(problems({ openrouter: { pricing: { 'x/y': { cache_read: -1 } } } })).toEqual([
      'openrouter.pricing.x/y.cache_read must be a non-negative number, got -1',
    ]);
  });

  it('masks the password of a URL it refuses', () => {
    const url = 'postgres://postgres:SuperSecretPw@127.0.0.1:notaport/headspace';
    const out = problems({ database: { url } }, { REDIS_URL: 'http://u:RedisPw@h:1' });
    expect(out.join('\n')).not.toMatch(/SuperSecretPw|RedisPw/);
    expect(out).toEqual([
      'database.url must be empty or a postgres/postgresql URL, got "postgres://postgres:***@127.0.0.1:notaport/headspace"',
      'redis.url (from REDIS_URL) must be empty or a redis/rediss URL, got "http://u:***@h:1"',
    ]);
  });

  it('bounds the timeouts and repair attempts by key', () => {
    expect(problems({ server: { headers_timeout_ms: 0, metrics_public: 'no' } })).toEqual([
      'server.metrics_public must be true or false, got "no"',
      'server.headers_timeout_ms must be an integer from 1 to 2147483647, got 0',
    ]);
    expect(problems({ database: { statement_timeout_ms: 1.5 } })).toEqual([
      'database.statement_timeout_ms must be an integer from 100 to 2147483647, got 1.5',
    ]);
    // Node fires a longer timer at once; a reachable database needs more than a few ms.
    expect(
      problems({
        database: { statement_timeout_ms: 99 },
        openrouter: { reconcile: { scan_interval_ms: 2_147_483_648 } },
      }),
    ).toEqual([
      'database.statement_timeout_ms must be an integer from 100 to 2147483647, got 99',
      'openrouter.reconcile.scan_interval_ms must be an integer from 1 to 2147483647, got 2147483648',
    ]);
    expect(problems({ openrouter: { structured_output: { repair_attempts: 11 } } })).toEqual([
      'openrouter.structured_output.repair_attempts must be an integer from 0 to 10, got 11',
    ]);
  });

  it('reconciliation: 1 s doubling to a minute, give up after 10 minutes; bounds named', () => {
    expect(config(undefined).openrouter.reconcile).toEqual({
      firstDelayMs: 1000,
      maxDelayMs: 60_000,
      giveUpAfterMs: 600_000,
      scanIntervalMs: 5000,
      identifyAfterMs: 200,
    });
    expect(problems({ openrouter: { reconcile: { scan_interval_ms: 0 } } })).toEqual([
      'openrouter.reconcile.scan_interval_ms must be an integer from 1 to 2147483647, got 0',
    ]);
    expect(
      problems({ openrouter: { reconcile: { first_delay_ms: 5000, max_delay_ms: 1000 } } }),
    ).toEqual([
      'openrouter.reconcile.first_delay_ms (5000) must not exceed openrouter.reconcile.max_delay_ms (1000)',
    ]);
  });

  it('never echoes a secret, from the file or the environment', () => {
    expect(problems({ server: { auth_token: ['s3cret'] } })).toEqual([
      'server.auth_token must be a string, got a object',
    ]);
    expect(problems({ sever: { api_key: 'sk-hidden' } }).join()).not.toContain('sk-hidden');
  });
});
