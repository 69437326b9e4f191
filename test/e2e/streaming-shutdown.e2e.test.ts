import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeOpenRouter } from '../support/fake-openrouter';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { listeningUrl, spawnWithFake, type ServerProcess } from './process-harness';
import { sseReader, type SseEvent } from './sse-client';

jest.setTimeout(120_000);

const dir = mkdtempSync(join(tmpdir(), 'hs-stream-term-'));
chmodSync(dir, 0o755);

/** Reads a /v1 stream's data lines to the end of the connection. */
const dataLines = async (res: Response): Promise<string[]> =>
  (await res.text())
    .split('\n')
    .filter((l) => l.startsWith('data: '))
    .map((l) => l.slice(6));

// A stream still running when the service shuts down: cut at shutdown_timeout_ms, answered with
// an error (not just a closed connection), recorded once as cancelled by the shutdown.
describe('SIGTERM during a slow stream (real process, real PostgreSQL)', () => {
  let fake: FakeOpenRouter;
  let db: TestDatabase;
  let p: ServerProcess | undefined;

  beforeAll(async () => {
    fake = await FakeOpenRouter.start();
    db = await createTestDatabase();
  });
  afterAll(async () => {
    if (p && p.child.exitCode === null) p.child.kill('SIGKILL');
    await fake.close();
    await db.drop();
  });

  it('native and /v1 streams get their error event, the upstream streams are cut, one cancelled (shutdown) record each, exit 0', async () => {
    const path = join(dir, 'term.yaml');
    writeFileSync(
      path,
      `data_dir: ${join(dir, 'data')}\nserver: { port: 0, shutdown_timeout_ms: 1500 }\n` +
        'openrouter: { timeout_ms: 60000 }\n',
    );
    p = spawnWithFake(path, fake, db.url);
    const url = await listeningUrl(p);
    // Both streams send their first piece of text, then nothing (the connection stays open).
    fake.script({ stream: { hangAfter: 1 } }, { stream: { hangAfter: 1 } });
    const post = (route: string, body: object) =>
      fetch(`${url}${route}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const native = await post('/api/inference', {
      level: 'turn',
      purpose: 'shutdown',
      input: 'native stream cut by shutdown',
      stream: true,
    });
    expect(native.status).toBe(200);
    const events = sseReader(native);
    const seen: SseEvent[] = [(await events.next())!, (await events.next())!];
    expect(seen.map((e) => e.event)).toEqual(['start', 'delta']);
    const compat = await post('/v1/chat/completions', {
      model: 'turn',
      messages: [{ role: 'user', content: 'v1 stream cut by shutdown' }],
      stream: true,
    });
    expect(compat.status).toBe(200);
    const compatLines = dataLines(compat);

    p.child.kill('SIGTERM');
    for (let e = await events.next(); e; e = await events.next()) seen.push(e);
    const last = seen.at(-1)!;
    expect(last.event).toBe('error');
    expect(last.data).toMatchObject({ status: 503, code: 'unavailable' });
    expect(last.data.detail).toMatch(/shutting down/);
    expect(seen.filter((e) => e.event === 'done')).toHaveLength(0);
    const lines = await compatLines;
    expect(lines.at(-1)).toBe('[DONE]');
    const error = JSON.parse(lines.at(-2)!) as { error?: { code?: string; message?: string } };
    expect(error.error?.message).toMatch(/shutting down/);
    expect(await p.exited).toBe(0);

    // The service closed both upstream connections: neither stream was sent in full.
    await fake.streamsEnded(2);
    expect(fake.streamEnds.map((s) => s.completed)).toEqual([false, false]);
    const rows: Array<Record<string, unknown>> = await db
      .knex('inference_calls')
      .select('status', 'error_code', 'error_message', 'cost_estimated', 'streamed', 'upstream_id');
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r).toMatchObject({
        status: 'cancelled',
        error_code: 'unavailable',
        cost_estimated: true,
        streamed: true,
        upstream_id: expect.stringMatching(/^gen-/),
      });
      expect(r.error_message).toMatch(/^cancelled \(shutdown\): the service is shutting down/);
    }
    const open = await db.knex('inference_intents').count<{ count: string }[]>('* as count');
    expect(Number(open[0]!.count)).toBe(0);
  });
});
