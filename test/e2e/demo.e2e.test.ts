import { spawn } from 'node:child_process';
import { join } from 'node:path';

jest.setTimeout(120_000);

// The demo checks its own story and exits non-zero when it did not happen; run it as a user would
// (in memory here: the embedded-PostgreSQL path is covered by process.e2e.test.ts).
it('npm run demo -- --memory: five outcomes, a usage table, exit 0', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', '--memory'], {
    cwd: join(__dirname, '..', '..'),
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  expect(out).toMatch(/3\. upstream 429 then 200 \(retried\) → 200/);
  expect(out).toMatch(/5\. over calls_per_minute = 3\s+→ 429 .*Retry-After: \d+ s/);
  expect(out).toMatch(/│ total\s+│\s+5 │/);
  expect(out).toContain('All five outcomes happened as described.');
  expect(code).toBe(0);
});
