import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeOpenRouter } from '../support/fake-openrouter';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { listeningUrl, spawnWithFake, type ServerProcess } from './process-harness';
import type { Knex } from 'knex';
import {
  chargedInputs,
  embeddedKnex,
  load,
  post,
  recordsByInput,
  type Sent,
} from './spend-harness';
import { waitFor } from '../support/wait-for';

jest.setTimeout(240_000);

const dir = mkdtempSync(join(tmpdir(), 'hs-spend-'));
chmodSync(dir, 0o755);
const config = (name: string, yaml: string): string => {
  const path = join(dir, name);
  writeFileSync(path, yaml.includes('server:') ? yaml : `server: { port: 0 }\n${yaml}`);
  return path;
};

describe('no spend without a record (real processes, real PostgreSQL)', () => {
  let fake: FakeOpenRouter;
  let db: TestDatabase;
  const procs: ServerProcess[] = [];
  const start = (configPath: string): ServerProcess => {
    const p = spawnWithFake(configPath, fake, db.url);
    procs.push(p);
    return p;
  };

  beforeEach(async () => {
    fake = await FakeOpenRouter.start({ latencyMs: 300 });
    db = await createTestDatabase();
  });
  afterEach(async () => {
    for (const p of procs.splice(0)) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await fake.close();
    await db.drop();
  });

  /**
   * `kill -9` of the service under 100 req/s with a 300 ms upstream, then a restart on the same
   * data_dir: one record per charged request, every 200 recorded `succeeded`.
   */
  const killUnderLoad = async (
    launch: () => ServerProcess,
    prefix: string,
    knexOf: () => Promise<Knex>,
  ): Promise<void> => {
    const first = launch();
    const url = await listeningUrl(first);
    const traffic = load(url, 100, prefix);
    // Let calls pile up upstream (300 ms each), then kill without warning.
    while (chargedInputs(fake, prefix).length < 150) await fake.requests(fake.received.length + 1);
    first.child.kill('SIGKILL');
    await first.exited;
    await traffic.stop();
    const charged = chargedInputs(fake, prefix);
    const answered = traffic.sent.filter((s) => s.status === 200);
    expect(answered.length).toBeGreaterThan(0);
    expect(charged.length).toBeGreaterThan(answered.length); // calls were in flight at the kill

    // The restart settles the dead predecessor's calls (same data_dir) before it serves.
    const second = launch();
    await listeningUrl(second);
    const knex = await knexOf();
    const records = await waitFor(async () => {
      const r = await recordsByInput(knex);
      return charged.every((input) => r.of(input).length === 1) ? r : undefined;
    });
    for (const input of charged) expect(records.of(input)).toHaveLength(1);
    // Calls whose intent was durable but which had not reached the fake yet are settled too
    // (as interrupted, at their estimate): a record may overstate spend, never miss it.
    const sentInputs = new Set(traffic.sent.map((s) => s.input));
    expect(records.rows.length).toBeGreaterThanOrEqual(charged.length);
    expect(records.rows.length).toBeLessThanOrEqual(sentInputs.size);
    for (const s of answered) {
      expect(records.rows.find((r) => r.id === s.callId)?.status).toBe('succeeded');
    }
    const interrupted = records.rows.filter((r) => r.status === 'interrupted');
    // A call can be recorded succeeded and the process killed before its 200 was written.
    const succeeded = records.rows.filter((r) => r.status === 'succeeded');
    expect(succeeded.length).toBeGreaterThanOrEqual(answered.length);
    expect(interrupted.length + succeeded.length).toBe(records.rows.length);
    expect(interrupted.length).toBeGreaterThan(0);
    expect(interrupted.every((r) => r.cost_estimated)).toBe(true);
    const open = await waitFor(async () => {
      const n = await knex('inference_intents').count<{ count: string }[]>('* as count');
      return Number(n[0]!.count) === 0 ? 0 : undefined;
    });
    expect(open).toBe(0);
  };

  const LIMITS =
    'openrouter: { rate_limits: { calls_per_minute: 100000, tokens_per_minute: 100000000 } }\n';

  it('kill -9 under load at 100 req/s (database.url): after a restart, one record per charged request; every 200 recorded', async () => {
    const cfg = config('kill.yaml', `data_dir: ${join(dir, 'kill')}\n${LIMITS}`);
    await killUnderLoad(
      () => start(cfg),
      'kill',
      () => Promise.resolve(db.knex),
    );
  });

  it('kill -9 under load at 100 req/s (embedded PostgreSQL, the default): the same after a restart', async () => {
    const dataDir = join(dir, 'kill-embedded');
    const cfg = config('kill-embedded.yaml', `data_dir: ${dataDir}\n${LIMITS}`);
    // No database.url: each process starts (or reuses) PostgreSQL under its data_dir.
    const launch = (): ServerProcess => {
      const p = spawnWithFake(cfg, fake);
      procs.push(p);
      return p;
    };
    let embedded: Knex | undefined;
    try {
      await killUnderLoad(launch, 'embedded', async () => {
        embedded = await embeddedKnex(join(dataDir, 'postgres'));
        return embedded;
      });
    } finally {
      await embedded?.destroy();
    }
  });

  it('two instances on one database: one is killed; the other settles its calls within a minute, never its own', async () => {
    const cfg = (name: string) =>
      config(
        `${name}.yaml`,
        `data_dir: ${join(dir, name)}\nopenrouter: { timeout_ms: 120000, rate_limits: { calls_per_minute: 100000, tokens_per_minute: 100000000 } }\n`,
      );
    const a = start(cfg('a'));
    const b = start(cfg('b'));
    const [urlA, urlB] = await Promise.all([listeningUrl(a), listeningUrl(b)]);
    const trafficA = load(urlA, 50, 'inst-a');
    while (chargedInputs(fake, 'inst-a').length < 60) await fake.requests(fake.received.length + 1);
    // b has calls of its own upstream while it settles a's: they must end succeeded.
    fake.latencyMs = 70_000; // longer than a settlement can take
    const own: Sent[] = [];
    const ownCalls = Array.from({ length: 3 }, (_, i) => post(urlB, `inst-b ${i}`, own));
    while (chargedInputs(fake, 'inst-b').length < 3) await fake.requests(fake.received.length + 1);
    a.child.kill('SIGKILL');
    await a.exited;
    await trafficA.stop();
    const killedAt = Date.now();
    const charged = chargedInputs(fake, 'inst-a');
    const records = await waitFor(async () => {
      const r = await recordsByInput(db.knex);
      return charged.every((input) => r.of(input).length === 1) ? r : undefined;
    }, 65_000);
    expect(Date.now() - killedAt).toBeLessThan(60_000);
    const settled = charged.filter((i) => records.of(i)[0]?.status === 'interrupted');
    expect(settled.length).toBeGreaterThan(0);
    // b's own calls are still upstream and were not touched.
    for (let i = 0; i < 3; i++) expect(records.of(`inst-b ${i}`)).toHaveLength(0);
    await Promise.all(ownCalls);
    expect(own.map((s) => s.status)).toEqual([200, 200, 200]);
    const after = await recordsByInput(db.knex);
    for (let i = 0; i < 3; i++) expect(after.of(`inst-b ${i}`)[0]?.status).toBe('succeeded');
  });

  it('SIGTERM with calls waiting on the limiter and calls slow upstream: 503s, a record each, exit 0', async () => {
    fake.latencyMs = 6_000;
    const cfg = config(
      'term.yaml',
      `data_dir: ${join(dir, 'term')}\nserver: { port: 0, shutdown_timeout_ms: 3000 }\nopenrouter: { rate_limits: { calls_per_minute: 3, max_wait_ms: 60000 } }\n`,
    );
    const p = start(cfg);
    const url = await listeningUrl(p);
    const sent: Sent[] = [];
    const calls = Array.from({ length: 5 }, (_, i) => post(url, `term ${i}`, sent));
    while (chargedInputs(fake, 'term').length < 3) await fake.requests(fake.received.length + 1);
    await waitFor(async () => {
      const s = (await (await fetch(`${url}/api/inference/status`)).json()) as {
        rateLimits: { waiting: number };
      };
      return s.rateLimits.waiting === 2 ? true : undefined;
    });
    p.child.kill('SIGTERM');
    await Promise.all(calls);
    expect(await p.exited).toBe(0);
    expect(sent.map((s) => s.status)).toEqual([503, 503, 503, 503, 503]);
    expect(chargedInputs(fake, 'term')).toHaveLength(3);
    const { rows } = await recordsByInput(db.knex);
    const statuses = rows.map((r) => `${r.status}${r.cost_estimated ? ' (estimated)' : ''}`);
    expect(statuses.sort()).toEqual([
      'cancelled (estimated)',
      'cancelled (estimated)',
      'cancelled (estimated)',
      'failed',
      'failed',
    ]);
  });
});
