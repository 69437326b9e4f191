import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAKE_API_KEY, FakeOpenRouter } from '../support/fake-openrouter';
import { describeRedis } from '../support/test-redis';
import { listeningUrl, spawnServer, type ServerProcess } from './process-harness';

// Spawning node with tsx compiles on the fly: allow for a busy machine.
jest.setTimeout(120_000);

/** Each call: 400 characters (100 input tokens) and at most 1000 output tokens, at $1 and $5 per M: $0.0051 at worst. */
const N = 10;
/** Exactly N worst cases: $0.051. */
const LIMIT_USD = 0.051;

interface Answer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly body: Record<string, unknown>;
}

const post = async (url: string, i: number): Promise<Answer> => {
  const res = await fetch(`${url}/api/inference`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      level: 'turn',
      purpose: 'budget e2e',
      input: `${String(i).padStart(4, '0')}${'x'.repeat(396)}`,
      maxOutputTokens: 1000,
    }),
  });
  const body = (await res.json()) as Record<string, unknown>;
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body };
};

interface BudgetView {
  readonly name: string;
  readonly spentUsd: number;
  readonly reservedUsd: number;
  readonly remainingUsd: number;
  readonly limitUsd: number;
}
const budgetOf = async (url: string): Promise<BudgetView | undefined> => {
  const status = (await (await fetch(`${url}/api/inference/status`)).json()) as {
    budgets: BudgetView[];
  };
  return status.budgets.find((b) => b.name === 'shared-daily');
};

describeRedis('budgets across two server processes sharing Redis', (redis) => {
  let fake: FakeOpenRouter;
  const running: ServerProcess[] = [];
  beforeAll(async () => {
    // Slow answers keep every admitted call in flight until all 3N have been decided.
    fake = await FakeOpenRouter.start({ latencyMs: 4000 });
  });
  afterAll(async () => {
    for (const p of running) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await fake.close();
  });

  it('of 3N concurrent calls over two instances where exactly N fit, admits exactly N', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-budgets-'));
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      [
        'server: { port: 0 }',
        'openrouter:',
        '  pricing: { anthropic/claude-haiku-4.5: { input: 1, output: 5 } }',
        '  cache: { enabled: false }',
        `budgets: [{ name: shared-daily, period: day, limit_usd: ${LIMIT_USD} }]`,
        `redis: { url: "${redis.url}", key_prefix: "${redis.prefix()}" }`,
        '',
      ].join('\n'),
    );
    const env = { OPENROUTER_BASE_URL: fake.baseUrl, OPENROUTER_API_KEY: FAKE_API_KEY };
    for (let i = 0; i < 2; i++) running.push(spawnServer(['--memory', '--config', config], env));
    const [a, b] = await Promise.all(running.map(listeningUrl));
    const answers = await Promise.all(
      Array.from({ length: 3 * N }, (_, i) => post(i % 2 === 0 ? a! : b!, i)),
    );
    const admitted = answers.filter((r) => r.status === 200);
    const refused = answers.filter((r) => r.status === 429);
    expect(admitted).toHaveLength(N);
    expect(refused).toHaveLength(2 * N);
    expect(fake.completions()).toHaveLength(N);
    for (const r of refused) {
      expect(r.body).toMatchObject({ code: 'budget_exceeded', budget: 'shared-daily' });
      expect(r.body.retryAfterMs).toEqual(expect.any(Number));
      expect(Number(r.retryAfter)).toBe(Math.max(1, Math.ceil(Number(r.body.retryAfterMs) / 1000)));
    }
    // Both instances see the one shared tally: what the admitted calls cost, nothing held.
    const spent = admitted.reduce((s, r) => s + Math.round(Number(r.body.costUsd) * 1e9), 0);
    for (const url of [a!, b!]) {
      let seen: BudgetView | undefined;
      for (let i = 0; i < 50; i++) {
        seen = await budgetOf(url);
        if (seen && seen.reservedUsd === 0 && Math.round(seen.spentUsd * 1e9) === spent) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(seen).toMatchObject({ reservedUsd: 0, limitUsd: LIMIT_USD });
      expect(Math.round(seen!.spentUsd * 1e9)).toBe(spent);
    }
    // Each instance's own records say which budget refused them.
    const calls = async (url: string) =>
      (
        (await (
          await fetch(`${url}/api/inference/calls?status=rate_limited&limit=100`)
        ).json()) as {
          calls: Array<{ errorMessage: string }>;
        }
      ).calls;
    const records = [...(await calls(a!)), ...(await calls(b!))];
    expect(records).toHaveLength(2 * N);
    for (const c of records)
      expect(c.errorMessage).toMatch(/^budget_exceeded: budget shared-daily/);
  });
});
