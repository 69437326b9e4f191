import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callsPageSchema } from '../../src/adapters/http/schemas';
import { FAKE_API_KEY, FakeOpenRouter } from '../support/fake-openrouter';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { request, startTestServer } from './harness';
import { listeningUrl, spawnWithFake, type ServerProcess } from './process-harness';
import { sseReader } from './sse-client';
import { waitFor as waitUntil } from '../support/wait-for';

jest.setTimeout(180_000);

/** Fast polling for tests; the defaults are 1 s doubling to 60 s, searched every 5 s. */
const RECONCILE = {
  first_delay_ms: 100,
  max_delay_ms: 400,
  scan_interval_ms: 200,
  identify_after_ms: 0,
};

const waitFor = <T>(f: () => Promise<T | undefined>, ms = 60_000): Promise<T> =>
  waitUntil(f, ms, { everyMs: 100 });

const generationAsks = (fake: FakeOpenRouter, id: string) =>
  fake.received.filter((r) => r.path === `/api/v1/generation?id=${id}`).length;

describe('reconciliation: estimated costs replaced by what /generation reports', () => {
  let fake: FakeOpenRouter;
  beforeEach(async () => {
    fake = await FakeOpenRouter.start();
  });
  afterEach(() => fake.close());

  it('a stream whose client leaves after the first delta: cancelled at an estimate, then reconciled; usage follows', async () => {
    const server = await startTestServer({
      openrouter: { base_url: fake.baseUrl, api_key: FAKE_API_KEY, reconcile: RECONCILE },
    });
    try {
      // Not ready at first, as OpenRouter's accounting lags.
      fake.generations.delayMs = 3_600_000;
      fake.script({ stream: { hangAfter: 1 } });
      const abort = new AbortController();
      const res = await server.fetch('/api/inference', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request('leaves after one delta', { stream: true })),
        signal: abort.signal,
      });
      const sse = sseReader(res);
      const start = await sse.next();
      expect((await sse.next())?.event).toBe('delta');
      abort.abort();
      const callId = start!.data.callId as string;
      const record = async () =>
        callsPageSchema
          .parse(await (await server.fetch('/api/inference/calls?limit=10')).json())
          .calls.find((c) => c.id === callId);
      const estimated = await waitFor(async () => (await record()) ?? undefined);
      expect(estimated).toMatchObject({ status: 'cancelled', costEstimated: true });
      const upstreamId = estimated.upstreamId!;
      const charged = fake.generations.get(upstreamId)!;
      expect(charged).toMatchObject({ streamed: true });
      // Asked while not ready (404), then ready.
      await waitFor(async () => (generationAsks(fake, upstreamId) >= 2 ? true : undefined));
      expect((await record())?.costEstimated).toBe(true);
      fake.generations.delayMs = 0;
      const reconciled = await waitFor(async () => {
        const r = await record();
        return r?.costEstimated === false ? r : undefined;
      });
      await fake.streamsEnded(1);
      expect(charged.cancelled).toBe(true);
      // The fake charged the whole generation: more output than the text the client got.
      expect(charged.outputTokens).toBeGreaterThan(estimated.outputTokens);
      expect(reconciled).toMatchObject({
        status: 'cancelled',
        costEstimated: false,
        inputTokens: charged.inputTokens,
        outputTokens: charged.outputTokens,
        costUsd: charged.costUsd,
        reportedCostUsd: charged.costUsd,
        upstreamId,
      });
      const usage = (await (await server.fetch('/api/inference/usage')).json()) as Record<
        string,
        number
      >;
      expect(usage).toMatchObject({
        totalCalls: 1,
        cancelledCalls: 1,
        inputTokens: charged.inputTokens,
        outputTokens: charged.outputTokens,
        costUsd: charged.costUsd,
        reportedCostUsd: charged.costUsd,
      });
    } finally {
      await server.shutdown();
    }
  });

  describe('kill -9 mid-call (real processes, real PostgreSQL)', () => {
    let db: TestDatabase;
    const procs: ServerProcess[] = [];
    beforeEach(async () => {
      db = await createTestDatabase();
    });
    afterEach(async () => {
      for (const p of procs.splice(0)) if (p.child.exitCode === null) p.child.kill('SIGKILL');
      await db.drop();
    });

    it('the calls in flight are interrupted at their estimate, then reconciled after the restart', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'hs-reconcile-'));
      chmodSync(dir, 0o755);
      const cfg = join(dir, 'config.yaml');
      writeFileSync(
        cfg,
        `server: { port: 0 }\ndata_dir: ${join(dir, 'data')}\n` +
          // JSON is YAML: the same settings as the in-process test.
          `openrouter: { reconcile: ${JSON.stringify(RECONCILE)} }\n`,
      );
      const start = () => {
        const p = spawnWithFake(cfg, fake, db.url);
        procs.push(p);
        return p;
      };
      const first = start();
      const url = await listeningUrl(first);
      // A slow plain answer whose headers (with the generation id) come first, and a stream
      // whose first chunk is a minute away: both upstream, neither answered, when the kill comes.
      fake.headersFirst = true;
      fake.script({ status: 200, delayMs: 120_000 }, { stream: { firstChunkDelayMs: 120_000 } });
      const post = (input: string, extra: Record<string, unknown> = {}) =>
        fetch(`${url}/api/inference`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(request(input, { cache: false, ...extra })),
        }).catch(() => undefined);
      const plain = post('slow plain call');
      await fake.requests(fake.completions().length + 1);
      const streamed = post('slow streamed call', { stream: true });
      // Both generation ids are durable with their intents.
      await waitFor(async () => {
        const rows: Array<{ upstream_id: string | null }> = await db
          .knex('inference_intents')
          .select('upstream_id');
        return rows.length === 2 && rows.every((r) => r.upstream_id !== null) ? true : undefined;
      });
      first.child.kill('SIGKILL');
      await first.exited;
      await Promise.all([plain, streamed]);

      const second = start();
      const after = await listeningUrl(second);
      const rows = await waitFor(async () => {
        const r: Array<{
          status: string;
          cost_estimated: boolean;
          upstream_id: string;
          input_tokens: number;
          output_tokens: number;
          cost_usd: string;
          reported_cost_usd: string | null;
        }> = await db.knex('inference_calls').select('*');
        return r.length === 2 && r.every((x) => !x.cost_estimated) ? r : undefined;
      });
      // Settled first at the intents' estimates, with the ids the intents kept.
      const settled: Array<{ data: { costEstimated: boolean; upstreamId: string | null } }> =
        await db.knex('inference_events').where('type', 'InferenceInterrupted').select('data');
      expect(settled.map((e) => e.data.costEstimated)).toEqual([true, true]);
      expect(settled.every((e) => e.data.upstreamId !== null)).toBe(true);
      let total = 0;
      for (const r of rows) {
        const g = fake.generations.get(r.upstream_id)!;
        expect(g).toBeDefined();
        total += g.costUsd;
        expect(r).toMatchObject({
          status: 'interrupted',
          input_tokens: g.inputTokens,
          output_tokens: g.outputTokens,
        });
        expect(Number(r.reported_cost_usd)).toBeCloseTo(g.costUsd, 9);
        expect(Number(r.cost_usd)).toBeCloseTo(g.costUsd, 9);
      }
      expect(rows.map((r) => fake.generations.get(r.upstream_id)!.streamed).sort()).toEqual([
        false,
        true,
      ]);
      const usage = (await (await fetch(`${after}/api/inference/usage`)).json()) as Record<
        string,
        number
      >;
      expect(usage.interruptedCalls).toBe(2);
      expect(usage.costUsd).toBeCloseTo(total, 9);
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    });
  });
});
