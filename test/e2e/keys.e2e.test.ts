import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAKE_API_KEY, FakeOpenRouter } from '../support/fake-openrouter';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { describeRedis } from '../support/test-redis';
import { waitFor } from '../support/wait-for';
import { listeningUrl, spawnServer, type ServerProcess } from './process-harness';

// Spawning node with tsx compiles on the fly: allow for a busy machine.
jest.setTimeout(180_000);

const TOKEN = 'bootstrap-admin-token-for-keys-e2e';
const ROOT = join(__dirname, '..', '..');

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

const request = async (
  url: string,
  path: string,
  bearer: string | undefined,
  init: { method?: string; body?: unknown } = {},
): Promise<Answer> => {
  const res = await fetch(`${url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
};

/** One call of 400 characters with at most 1000 output tokens: $0.0051 at worst. */
const infer = (url: string, key: string, i: number) =>
  request(url, '/api/inference', key, {
    body: {
      level: 'turn',
      purpose: 'keys e2e',
      input: `${String(i).padStart(4, '0')}${'x'.repeat(396)}`,
      maxOutputTokens: 1000,
    },
  });

/** Milliseconds until `ok` holds on `url`, polled every 20 ms. */
const msUntil = async (ok: () => Promise<boolean>): Promise<number> => {
  const t0 = Date.now();
  await waitFor(async () => ((await ok()) ? true : undefined), 10_000, { everyMs: 20 });
  return Date.now() - t0;
};

/** Runs `npm run keys -- …` (as its script does: tsx) against `databaseUrl`. */
const keysCli = (args: string[], databaseUrl: string, config: string) =>
  new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/composition/keys-cli.ts', ...args, '--config', config],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: databaseUrl },
      },
    );
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.once('exit', (code) => resolve({ code, out, err }));
  });

describeRedis('consumer keys across two server processes (PostgreSQL + Redis)', (redis) => {
  let fake: FakeOpenRouter;
  let db: TestDatabase;
  const running: ServerProcess[] = [];
  const dirs: string[] = [];
  const configs: string[] = [];
  const issued: string[] = [];
  let a = '';
  let b = '';

  beforeAll(async () => {
    fake = await FakeOpenRouter.start({ latencyMs: 0 });
    db = await createTestDatabase();
    // One prefix for both: limits and budgets are shared through it.
    const prefix = redis.prefix();
    for (let i = 0; i < 2; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'hs-keys-'));
      dirs.push(dir);
      const config = join(dir, 'config.yaml');
      configs.push(config);
      writeFileSync(
        config,
        [
          `server: { port: 0, auth_token: "${TOKEN}" }`,
          `data_dir: "${dir}"`,
          'openrouter:',
          '  pricing: { anthropic/claude-haiku-4.5: { input: 1, output: 5 } }',
          '  cache: { enabled: false }',
          `redis: { url: "${redis.url}", key_prefix: "${prefix}" }`,
          '',
        ].join('\n'),
      );
    }
    const env = {
      OPENROUTER_BASE_URL: fake.baseUrl,
      OPENROUTER_API_KEY: FAKE_API_KEY,
      DATABASE_URL: db.url,
    };
    for (const config of configs) running.push(spawnServer(['--config', config], env));
    [a, b] = (await Promise.all(running.map(listeningUrl))) as [string, string];
  });
  afterAll(async () => {
    for (const p of running) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await fake.close();
    await db.drop();
  });

  const issue = async (url: string, body: Record<string, unknown>) => {
    const r = await request(url, '/api/keys', TOKEN, { body });
    expect(r.status).toBe(201);
    const key = String(r.body.key);
    issued.push(key);
    return { key, id: String(r.body.id) };
  };

  it('a key issued on one instance works on the other within 1 s; revoked there, refused within 1 s', async () => {
    const { key, id } = await issue(a, { name: 'viewer', scopes: ['read'] });
    const seen = await msUntil(
      async () => (await request(b, '/api/inference/status', key)).status === 200,
    );
    expect(seen).toBeLessThan(1000);
    expect((await request(b, '/api/keys', key)).status).toBe(403);
    expect((await request(a, `/api/keys/${id}`, TOKEN, { method: 'DELETE' })).status).toBe(204);
    const refused = await msUntil(
      async () => (await request(b, '/api/inference/status', key)).status === 401,
    );
    expect(refused).toBeLessThan(1000);
    const r = await request(b, '/api/inference/status', key);
    expect(r.body).toMatchObject({
      code: 'unauthorized',
      detail: 'authorization: the bearer token is not valid',
    });
  });

  it("a key's own budget admits exactly N of 3N concurrent calls across both instances", async () => {
    const N = 5;
    const { key, id } = await issue(a, {
      name: 'module',
      scopes: ['infer', 'read'],
      budgets: [{ period: 'day', limitUsd: 0.0051 * N }],
    });
    await msUntil(async () => (await request(b, '/api/inference/status', key)).status === 200);
    fake.latencyMs = 3000;
    const before = fake.completions().length;
    const answers = await Promise.all(
      Array.from({ length: 3 * N }, (_, i) => infer(i % 2 === 0 ? a : b, key, i)),
    );
    fake.latencyMs = 0;
    expect(answers.filter((r) => r.status === 200)).toHaveLength(N);
    const refused = answers.filter((r) => r.status === 429);
    expect(refused).toHaveLength(2 * N);
    for (const r of refused) {
      expect(r.body).toMatchObject({ code: 'budget_exceeded', budget: `key:${id}:day` });
      expect(String(r.body.detail)).toContain(`key ${id}'s own budget`);
    }
    expect(fake.completions().length - before).toBe(N);
    // Every call carries the key; usage by key counts them, from either instance.
    const usage = await waitFor(async () => {
      const u = await request(b, `/api/inference/usage?keyId=${id}&groupBy=key`, TOKEN);
      return u.body.totalCalls === 3 * N ? u : undefined;
    }, 10_000);
    expect(Object.keys(usage.body.byKey as object)).toEqual([id]);
    const calls = await request(a, `/api/inference/calls?keyId=${id}&limit=100`, TOKEN);
    const own = calls.body.calls as Array<{ keyId: string }>;
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((c) => c.keyId === id)).toBe(true);
    const status = await request(b, '/api/inference/status', key);
    const budgets = status.body.budgets as Array<{ keyId: string | null; name: string }>;
    expect(budgets.find((x) => x.keyId === id)?.name).toBe(`key:${id}:day`);
  });

  it("a key's own calls per minute hold across both instances (Redis), naming the key's limit", async () => {
    const { key, id } = await issue(a, {
      name: 'limited',
      scopes: ['infer', 'read'],
      limits: { callsPerMinute: 3 },
    });
    await msUntil(async () => (await request(b, '/api/inference/status', key)).status === 200);
    const answers = await Promise.all(
      Array.from({ length: 9 }, (_, i) => infer(i % 2 === 0 ? a : b, key, 100 + i)),
    );
    expect(answers.filter((r) => r.status === 200)).toHaveLength(3);
    const refused = answers.filter((r) => r.status === 429);
    expect(refused).toHaveLength(6);
    for (const r of refused) {
      expect(r.body).toMatchObject({ code: 'rate_limited', limit: 'calls_per_minute' });
      expect(String(r.body.detail)).toContain(
        `key ${id}: its own rate limit calls_per_minute (3 a minute)`,
      );
    }
    // The bootstrap token is not held back by the key's limit.
    expect((await infer(a, TOKEN, 200)).status).toBe(200);
  });

  it('rotation with an overlap keeps the key’s usage and budget; the old secret stops after it', async () => {
    const { key: old, id } = await issue(a, {
      name: 'rotating',
      scopes: ['infer', 'read'],
      budgets: [{ period: 'day', limitUsd: 0.0051 * 3 }],
    });
    await msUntil(async () => (await request(b, '/api/inference/status', old)).status === 200);
    expect((await infer(b, old, 1)).status).toBe(200);
    const r = await request(a, `/api/keys/${id}/rotate`, TOKEN, { body: { overlapSeconds: 3 } });
    expect(r.status).toBe(201);
    const fresh = String(r.body.key);
    issued.push(fresh);
    expect(r.body).toMatchObject({ id });
    await msUntil(async () => (await request(b, '/api/inference/status', fresh)).status === 200);
    expect((await infer(b, fresh, 2)).status).toBe(200);
    expect((await infer(a, old, 3)).status).toBe(200);
    const usage = await waitFor(async () => {
      const u = await request(a, `/api/inference/usage?keyId=${id}`, TOKEN);
      return u.body.totalCalls === 3 ? u : undefined;
    }, 10_000);
    expect(usage.body.succeededCalls).toBe(3);
    // The budget is the key's, whichever secret spent it: all three calls are in its tally.
    const reported = Number(usage.body.reportedCostUsd);
    const spent = reported > 0 ? reported : Number(usage.body.costUsd);
    const budget = await waitFor(async () => {
      const st = await request(b, '/api/inference/status', fresh);
      const own = (st.body.budgets as Array<Record<string, number | string | null>>).find(
        (x) => x.keyId === id,
      );
      return own && own.reservedUsd === 0 && Math.abs(Number(own.spentUsd) - spent) < 1e-9
        ? own
        : undefined;
    }, 10_000);
    expect(budget).toMatchObject({ name: `key:${id}:day` });
    await waitFor(
      async () =>
        (await request(b, '/api/inference/status', old)).status === 401 &&
        (await request(a, '/api/inference/status', old)).status === 401
          ? true
          : undefined,
      10_000,
      { everyMs: 100 },
    );
    expect((await request(b, '/api/inference/status', fresh)).status).toBe(200);
  });

  it('npm run keys creates, lists, rotates and revokes against the database; instances follow', async () => {
    const created = await keysCli(
      [
        'create',
        '--name',
        'cli',
        '--scopes',
        'infer,read',
        '--budget',
        'day:5',
        '--levels',
        'turn',
      ],
      db.url,
      configs[0]!,
    );
    expect(created.err).toContain('shown only now');
    expect(created.code).toBe(0);
    const key = created.out.trim();
    expect(key).toMatch(/^hsk_[a-z0-9]{12}_[A-Za-z0-9]{32}$/);
    issued.push(key);
    const id = key.slice(4, 16);
    expect(
      await msUntil(async () => (await request(b, '/api/inference/status', key)).status === 200),
    ).toBeLessThan(1000);
    const listed = await keysCli(['list'], db.url, configs[0]!);
    expect(listed.out).toContain(id);
    expect(listed.out).not.toContain(key.slice(17));
    const rotated = await keysCli(['rotate', id, '--overlap-seconds', '0'], db.url, configs[0]!);
    expect(rotated.code).toBe(0);
    issued.push(rotated.out.trim());
    expect(
      await msUntil(async () => (await request(a, '/api/inference/status', key)).status === 401),
    ).toBeLessThan(1000);
    const revoked = await keysCli(['revoke', id], db.url, configs[0]!);
    expect(revoked.code).toBe(0);
    expect(
      await msUntil(
        async () => (await request(b, '/api/inference/status', rotated.out.trim())).status === 401,
      ),
    ).toBeLessThan(1000);
    const bad = await keysCli(['create', '--name', 'x', '--scopes', 'write'], db.url, configs[0]!);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/--scopes/);
    const help = await keysCli(['--help'], db.url, configs[0]!);
    expect(help.out).toContain('npm run keys -- create');
  });

  it('no issued key appears in any table, journal, log line or /metrics', async () => {
    expect(issued.length).toBeGreaterThanOrEqual(6);
    const tables = (
      await db.knex.raw(
        `SELECT table_schema, table_name FROM information_schema.tables
         WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'`,
      )
    ).rows as Array<{ table_schema: string; table_name: string }>;
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(['consumer_keys', 'inference_events']),
    );
    let dump = '';
    for (const t of tables) {
      const rows = (
        await db.knex.raw(`SELECT t::text AS row FROM "${t.table_schema}"."${t.table_name}" t`)
      ).rows as Array<{ row: string }>;
      dump += rows.map((r) => r.row).join('\n');
    }
    expect(dump).toContain('KeyIssued');
    // And pg_dump's own view of the database, where the tool is installed and matches the server.
    const pgDump = spawnSync('pg_dump', ['--data-only', db.url], { encoding: 'utf8' });
    if (pgDump.status === 0) {
      expect(pgDump.stdout).toContain('KeyIssued');
      dump += pgDump.stdout;
    } else process.stderr.write(`pg_dump not used: ${pgDump.error?.message ?? pgDump.stderr}\n`);
    const metrics = [
      await fetch(`${a}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) =>
        r.text(),
      ),
      await fetch(`${b}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) =>
        r.text(),
      ),
    ].join('\n');
    const journals = dirs
      .map((d) => join(d, 'call-log-backlog.jsonl'))
      .filter((f) => existsSync(f))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const logs = running.map((p) => p.stdout() + p.stderr()).join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const key of issued) {
      const secret = key.slice(17);
      for (const [where, text] of [
        ['database', dump],
        ['metrics', metrics],
        ['journal', journals],
        ['logs', logs],
      ] as const) {
        expect([where, text.includes(secret)]).toEqual([where, false]);
      }
    }
  });
});
