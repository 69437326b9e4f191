import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAKE_API_KEY, FakeOpenRouter } from '../support/fake-openrouter';
import { createTestDatabase } from '../support/test-database';
import { listeningUrl, logLines, spawnServer, type ServerProcess } from './process-harness';

// Spawning node with tsx compiles on the fly: allow for a busy machine.
jest.setTimeout(120_000);

const dir = mkdtempSync(join(tmpdir(), 'hs-process-'));
// Run as root, embedded PostgreSQL drops to the postgres user, who must reach its data dir.
chmodSync(dir, 0o755);
const configFile = (name: string, yaml: string): string => {
  const path = join(dir, name);
  writeFileSync(path, yaml);
  return path;
};

describe('the server process (src/main.ts)', () => {
  let running: ServerProcess | undefined;
  afterEach(() => {
    if (running && running.child.exitCode === null) running.child.kill('SIGKILL');
    running = undefined;
  });

  it('the README path: no database, no key — embedded PostgreSQL, degraded, records kept across restarts', async () => {
    const dataDir = join(dir, 'data');
    const config = configFile('fresh.yaml', `server: { port: 0 }\ndata_dir: ${dataDir}\n`);
    const post = (url: string) =>
      fetch(`${url}/api/inference`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ level: 'turn', purpose: 'p', input: 'no key yet' }),
      });
    for (const round of [1, 2]) {
      running = spawnServer(['--config', config]);
      const url = await listeningUrl(running);
      expect(running.stdout()).toMatch(/database: embedded PostgreSQL under /);
      expect(running.stdout()).toMatch(/DEGRADED: no OpenRouter API key/);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      expect((await post(url)).status).toBe(503);
      const page = (await (await fetch(`${url}/api/inference/calls`)).json()) as {
        calls: Array<{ status: string }>;
      };
      // The first run's record is still there after a clean stop and a restart.
      expect(page.calls.map((c) => c.status)).toEqual(Array(round).fill('failed'));
      running.child.kill('SIGTERM');
      expect(await running.exited).toBe(0);
    }
  });

  it('--memory: prints its summary, serves degraded with auth, logs the request id, exits 0', async () => {
    const config = configFile('ok.yaml', 'server: { port: 0 }\n');
    running = spawnServer(['--memory', '--config', config], { INFERENCE_API_TOKEN: 'tok-e2e' });
    const url = await listeningUrl(running);
    const summary = running.stdout();
    expect(summary).toMatch(/database: in memory/);
    expect(summary).toMatch(/turn\s+anthropic\/claude-haiku-4\.5/);
    expect(summary).toMatch(/objective\s+anthropic\/claude-sonnet-4\.5/);
    expect(summary).toMatch(/DEGRADED: no OpenRouter API key/);
    expect(summary).toMatch(/auth:\s+bearer token required/);

    const auth = { authorization: 'Bearer tok-e2e' };
    const status = await fetch(`${url}/api/inference/status`, { headers: auth });
    expect(status.status).toBe(200);
    const post = await fetch(`${url}/api/inference`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', 'x-request-id': 'proc-req-1' },
      body: JSON.stringify({ level: 'task', purpose: 'p', input: 'degraded call' }),
    });
    expect(post.status).toBe(503);

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    const lines = logLines(running);
    // One line per call: the request's access line carries the call it made.
    const recorded = lines.find((l) => l.msg === 'request' && l.path === '/api/inference');
    expect(recorded).toMatchObject({ requestId: 'proc-req-1', event: 'InferenceFailed' });
    expect(lines.filter((l) => l.msg === 'call recorded')).toEqual([]);
    // The severity stays pino's number; the call's level has a key of its own.
    expect(recorded).toMatchObject({ level: 30, inferenceLevel: 'task' });
    const raw = running
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    expect(raw.filter((l) => (l.match(/"level":/g) ?? []).length > 1)).toEqual([]);
    expect(lines.some((l) => l.msg === 'shut down: call log flushed')).toBe(true);
    expect(running.stdout()).not.toContain('tok-e2e');
  });

  it('SIGTERM with calls in flight: every call answered and recorded, then exit 0', async () => {
    // The fake answers after a delay, so the calls are still upstream when the signal lands.
    const fake = await FakeOpenRouter.start({ latencyMs: 400 });
    const db = await createTestDatabase();
    try {
      const config = configFile('inflight.yaml', 'server: { port: 0 }\n');
      running = spawnServer(['--config', config], {
        DATABASE_URL: db.url,
        OPENROUTER_BASE_URL: fake.baseUrl,
        OPENROUTER_API_KEY: FAKE_API_KEY,
      });
      const url = await listeningUrl(running);
      const n = 8;
      const calls = Array.from({ length: n }, (_, i) =>
        fetch(`${url}/api/inference`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': `inflight-${i}` },
          body: JSON.stringify({ level: 'turn', purpose: 'shutdown', input: `call ${i}` }),
        }),
      );
      // Start-up also probes /key and /models: wait, request by request, for the n completions.
      while (fake.completions().length < n) await fake.requests(fake.received.length + 1);
      running.child.kill('SIGTERM');
      const answers = await Promise.all(calls);
      expect(answers.map((r) => r.status)).toEqual(Array(n).fill(200));
      expect(await running.exited).toBe(0);
      const recorded = logLines(running).filter((l) => l.msg === 'request' && l.callId);
      expect(recorded.map((l) => l.requestId).sort()).toEqual(
        Array.from({ length: n }, (_, i) => `inflight-${i}`).sort(),
      );
      expect(logLines(running).find((l) => l.msg === 'shut down: call log flushed')).toMatchObject({
        inFlight: n,
        forced: false,
      });
      expect(running.stdout()).not.toContain(FAKE_API_KEY);
      const rows = await db.knex('inference_calls').select('status', 'input_tokens');
      expect(rows).toHaveLength(n);
      expect(rows.every((r: { status: string }) => r.status === 'succeeded')).toBe(true);
    } finally {
      await fake.close();
      await db.drop();
    }
  });
});
