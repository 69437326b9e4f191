import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { createKnex } from '../../src/adapters/persistence';
import { FakeOpenRouter } from '../support/fake-openrouter';
import { StoppableDatabase } from '../persistence/outage-harness';
import { listeningUrl, logLines, spawnWithFake, type ServerProcess } from './process-harness';
import { chargedInputs } from './spend-harness';
import {
  freezeCluster,
  getJson,
  recordCounts,
  steadyLoad,
  timedPost,
  waitFor,
  type TimedCall,
} from './sick-database-harness';

jest.setTimeout(240_000);

/** The statement timeout the services here run with (the default). */
const STATEMENT_TIMEOUT_MS = 2_000;

interface Logging {
  backlog: number;
  lastError: string | null;
  database: string;
  journalError: string | null;
}
interface Status {
  enabled: boolean;
  degradedReason: string | null;
  logging: Logging;
}

/**
 * A sick PostgreSQL of the test's own (never the machine's): frozen with SIGSTOP, stopped,
 * absent at start; and the journal unwritable. Real service processes, the fake OpenRouter
 * counting what it was sent.
 */
describe('a sick database (real processes, a PostgreSQL the test owns)', () => {
  let fake: FakeOpenRouter;
  let db: StoppableDatabase;
  let knex: Knex;
  let dir: string;
  const procs: ServerProcess[] = [];
  const start = (name: string, yaml = ''): ServerProcess => {
    const cfg = join(dir, `${name}.yaml`);
    writeFileSync(
      cfg,
      `server: { port: 0 }\ndata_dir: ${join(dir, name)}\n` +
        `openrouter: { rate_limits: { calls_per_minute: 100000, tokens_per_minute: 100000000 } }\n` +
        yaml,
    );
    const p = spawnWithFake(cfg, fake, db.url);
    procs.push(p);
    return p;
  };
  const status = async (url: string) => (await getJson<Status>(`${url}/api/inference/status`)).body;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hs-sick-db-'));
    chmodSync(dir, 0o755);
    fake = await FakeOpenRouter.start({ latencyMs: 50 });
    db = await StoppableDatabase.start();
    knex = createKnex(db.url, { poolMax: 2 });
  });
  afterEach(async () => {
    for (const p of procs.splice(0)) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await knex.destroy();
    await fake.close();
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Until `n` calls are recorded in the database (calls flowing into it). */
  const recorded = (n: number) =>
    waitFor(async () => ((await recordCounts(knex)).size >= n ? true : undefined), 30_000);
  /** Until `n` calls begun at or after `since` have been answered 200 (calls flowing again). */
  const answeredSince = (calls: readonly TimedCall[], since: number, n = 50) =>
    waitFor(
      async () =>
        calls.filter((c) => c.startedAt >= since && c.status === 200).length >= n
          ? true
          : undefined,
      30_000,
    );

  /** Every answered call has exactly one record, and there is no record of anything else. */
  const expectOneRecordEach = async (calls: readonly TimedCall[]): Promise<void> => {
    const answered = calls.filter((c) => c.status === 200);
    const counts = await waitFor(async () => {
      const c = await recordCounts(knex);
      return answered.every((a) => c.get(a.callId!) === 1) ? c : undefined;
    }, 90_000);
    for (const a of answered) expect(counts.get(a.callId!)).toBe(1);
    expect(counts.size).toBe(answered.length);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  };

  it('frozen (SIGSTOP) for 12 s under load: calls keep being answered, status says so at once, all replayed after', async () => {
    const p = start('frozen');
    const url = await listeningUrl(p);
    const traffic = steadyLoad(url, 100, 'frozen');
    await recorded(50);
    const thaw = freezeCluster(join(db.dir, 'pg', 'cluster'));
    const frozenAt = Date.now();
    let thawedAt = 0;
    try {
      // lastError and the state are set as soon as a write has timed out, not at the thaw.
      const seen = await waitFor(async () => {
        const s = await status(url);
        return s.logging.lastError !== null ? s : undefined;
      }, 15_000);
      expect(Date.now() - frozenAt).toBeLessThan(12_000);
      expect(seen.logging).toMatchObject({ database: 'unreachable', journalError: null });
      expect(seen.logging.lastError).toMatch(/did not answer in time|could not be reached/);
      // The fault's length (what the test is about), not a wait for something to happen.
      await new Promise((r) => setTimeout(r, 12_000 - (Date.now() - frozenAt)));
    } finally {
      thaw();
      thawedAt = Date.now();
    }
    await answeredSince(traffic.calls, thawedAt);
    await traffic.stop();

    const { calls } = traffic;
    expect(calls.filter((c) => c.status !== 200)).toEqual([]);
    // Calls that began early in the freeze were answered during it: nothing waited for the thaw.
    const early = calls.filter(
      (c) => c.startedAt >= frozenAt && c.startedAt < thawedAt - (STATEMENT_TIMEOUT_MS + 6_000),
    );
    expect(early.length).toBeGreaterThan(100);
    const late = early.filter((c) => c.endedAt! >= thawedAt);
    expect(late).toEqual([]);
    const warned = logLines(p).filter(
      (l) => l.level === 40 && /call log: database unreachable/.test(String(l.msg)),
    );
    expect(warned.length).toBeGreaterThan(0);
    await expectOneRecordEach(calls);
    expect(fake.completions()).toHaveLength(calls.length);
    await waitFor(async () => ((await status(url)).logging.backlog === 0 ? true : undefined));
    expect((await status(url)).logging).toMatchObject({ database: 'connected', lastError: null });
  });

  it('stopped mid-run and started again: one record per request', async () => {
    const p = start('refused');
    const url = await listeningUrl(p);
    const traffic = steadyLoad(url, 100, 'refused');
    await recorded(50);
    await db.stop();
    const stoppedAt = Date.now();
    const down = await waitFor(async () => {
      const s = await status(url);
      return s.logging.database === 'unreachable' ? s : undefined;
    }, 15_000);
    expect(down.logging.lastError).not.toBeNull();
    // Calls go on being answered while it is down (on the journal).
    await answeredSince(traffic.calls, stoppedAt);
    await db.restart();
    const restartedAt = Date.now();
    await waitFor(async () =>
      (await status(url)).logging.database === 'connected' ? true : undefined,
    );
    await answeredSince(traffic.calls, restartedAt);
    await traffic.stop();
    expect(traffic.calls.filter((c) => c.status !== 200)).toEqual([]);
    await expectOneRecordEach(traffic.calls);
    expect(fake.completions()).toHaveLength(traffic.calls.length);
  });

  it('absent at start: serves on the journal, /readyz 503; then migrates, replays and is ready', async () => {
    await db.stop();
    const p = start('absent');
    const url = await listeningUrl(p); // before: exited with ECONNREFUSED
    expect(p.stdout()).toMatch(/database: PostgreSQL at .*not reachable yet/);
    const ready = await getJson<{ code: string; detail: string }>(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.body.detail).toMatch(/^database: not reached since start/);
    const calls: TimedCall[] = [];
    await Promise.all(Array.from({ length: 30 }, (_, i) => timedPost(url, `absent ${i}`, calls)));
    expect(calls.map((c) => c.status)).toEqual(Array(30).fill(200));
    const s = await status(url);
    expect(s.enabled).toBe(true);
    expect(s.logging).toMatchObject({ database: 'absent', journalError: null });
    expect(s.logging.backlog).toBeGreaterThanOrEqual(30);
    for (const path of ['/api/inference/usage', '/api/inference/calls']) {
      const r = await getJson<{ code: string; detail: string }>(`${url}${path}`);
      expect(r.status).toBe(503);
      expect(r.type).toMatch(/application\/problem\+json/);
      expect(r.body.code).toBe('unavailable');
      expect(r.body.detail).toMatch(/ECONNREFUSED/);
      expect(r.body.detail).not.toMatch(/select|insert|from /i);
    }
    expect((await getJson(`${url}/readyz`)).status).toBe(503);

    await db.restart();
    await waitFor(async () => ((await getJson(`${url}/readyz`)).status === 200 ? true : undefined));
    await expectOneRecordEach(calls);
    const open = await knex('inference_intents').count<{ n: string }[]>('* as n');
    expect(Number(open[0]?.n)).toBe(0);
    const usage = await getJson<{ totalCalls: number }>(`${url}/api/inference/usage`);
    expect(usage.body.totalCalls).toBe(30);
    expect(logLines(p).some((l) => /database ready: migrations applied/.test(String(l.msg)))).toBe(
      true,
    );
  });

  it('database down and the journal unwritable (/dev/full): 503, nothing sent upstream, status says so', async () => {
    const p = start('unwritable');
    const url = await listeningUrl(p);
    const ok: TimedCall[] = [];
    await timedPost(url, 'unwritable before', ok);
    expect(ok[0]?.status).toBe(200);
    await db.stop();
    const journal = join(dir, 'unwritable', 'call-log-backlog.jsonl');
    rmSync(journal, { force: true });
    symlinkSync('/dev/full', journal); // every write fails with ENOSPC
    const sentBefore = fake.completions().length;
    const calls: TimedCall[] = [];
    for (let i = 0; i < 6; i++) await timedPost(url, `unwritable ${i}`, calls);
    expect(calls.map((c) => [c.status, c.code])).toEqual(Array(6).fill([503, 'unavailable']));
    expect(fake.completions()).toHaveLength(sentBefore); // nothing was spent
    expect(chargedInputs(fake, 'unwritable ').filter((i) => /^unwritable \d/.test(i))).toEqual([]);
    const s = await status(url);
    expect(s.enabled).toBe(false);
    expect(s.degradedReason).toMatch(/cannot be recorded/);
    expect(s.logging.journalError).toMatch(/journal could not be written \(ENOSPC\)/);
    expect(s.logging.database).toBe('unreachable');
  });
});
