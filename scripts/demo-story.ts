import type { FakeOpenRouter } from '../test/support/fake-openrouter';
import { table, usd } from './demo-table';

const say = (text: string): void => void process.stdout.write(`${text}\n`);

/** The demo's five calls over HTTP, then the usage and call tables; throws if the story failed. */
export const run = async (url: string, fake: FakeOpenRouter): Promise<void> => {
  const infer = async (label: string, input: string, level = 'turn') => {
    const res = await fetch(`${url}/api/inference`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ level, purpose: `demo: ${label}`, input, projectId: 'demo' }),
    });
    const body = (await res.json()) as Record<string, unknown>;
    const retry = res.headers.get('retry-after');
    const what =
      res.status === 200
        ? `cached=${String(body.cached)} tokens=${String(body.inputTokens)}+${String(body.outputTokens)} cost=${usd(body.costUsd as number)} latency=${String(body.latencyMs)} ms`
        : `${String(body.code)}: ${String(body.detail)}${retry ? ` (Retry-After: ${retry} s)` : ''}`;
    say(`${label.padEnd(34)} → ${res.status}  ${what}`);
  };

  await infer('1. fresh call', 'Summarise: the build is green again after the flaky test fix.');
  await infer(
    '2. the same call again',
    'Summarise: the build is green again after the flaky test fix.',
  );
  fake.script({ status: 429, retryAfter: 1 });
  await infer(
    '3. upstream 429 then 200 (retried)',
    'Prioritise: ship the release notes first.',
    'project',
  );
  await infer('4. another fresh call', 'Summarise: two reviewers approved the migration.', 'task');
  await infer('5. over calls_per_minute = 3', 'Summarise: one call too many this minute.');

  const usage = (await (await fetch(`${url}/api/inference/usage`)).json()) as UsageReport;
  say('\nUsage by model');
  const rows = Object.entries(usage.byModel)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([model, b]) => ({ model, ...b }));
  rows.push({ model: 'total', ...usage, calls: usage.totalCalls });
  say(
    table(rows, [
      { heading: 'model', value: (r) => r.model },
      { heading: 'calls', value: (r) => r.calls, right: true },
      { heading: 'failed', value: (r) => r.failedCalls, right: true },
      { heading: 'cached', value: (r) => r.cachedCalls, right: true },
      { heading: 'input tok', value: (r) => r.inputTokens, right: true },
      { heading: 'output tok', value: (r) => r.outputTokens, right: true },
      { heading: 'cost', value: (r) => usd(r.costUsd), right: true },
    ]),
  );
  say(
    `rate limited: ${usage.rateLimitedCalls}   saved by cache: ${usd(usage.savedByCacheUsd)}   ` +
      `reported by OpenRouter: ${usd(usage.reportedCostUsd)}`,
  );

  const page = (await (await fetch(`${url}/api/inference/calls`)).json()) as { calls: CallView[] };
  const calls = [...page.calls].reverse();
  say('\nCall records, oldest first');
  say(
    table(calls, [
      { heading: 'purpose', value: (c) => c.purpose },
      { heading: 'level', value: (c) => c.level },
      { heading: 'status', value: (c) => c.status },
      { heading: 'attempts', value: (c) => c.attempts, right: true },
      { heading: 'latency', value: (c) => `${c.latencyMs} ms`, right: true },
      { heading: 'cost', value: (c) => usd(c.costUsd), right: true },
    ]),
  );
  expectStory(calls);
};

/** The demo doubles as a smoke test: it fails loudly when the story did not happen. */
const expectStory = (calls: readonly CallView[]): void => {
  const got = calls.map((c) => `${c.status}/${c.attempts > 1 ? 'retried' : 'once'}`);
  const want = ['succeeded/once', 'cached/once', 'succeeded/retried', 'succeeded/once'];
  const ok = want.every((w, i) => got[i] === w) && got[4] === 'rate_limited/once';
  if (!ok) throw new Error(`unexpected call records: ${got.join(', ')}`);
  say('\nAll five outcomes happened as described.');
};

interface Figures {
  calls: number;
  failedCalls: number;
  cachedCalls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

interface UsageReport extends Omit<Figures, 'calls'> {
  totalCalls: number;
  rateLimitedCalls: number;
  savedByCacheUsd: number;
  reportedCostUsd: number;
  byModel: Record<string, Figures>;
}

interface CallView {
  purpose: string;
  level: string;
  status: string;
  attempts: number;
  latencyMs: number;
  costUsd: number;
}
