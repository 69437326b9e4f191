/**
 * Lists every source file (and function) whose code runs for one native cache-miss call, in the
 * order a call first reaches it, over PostgreSQL and the fake OpenRouter, for ARCHITECTURE.md's
 * map of one call (`npm run call-map`; needs a PostgreSQL: TEST_DATABASE_URL, else an embedded
 * one). With V8's coverage on, it takes coverage after warm-up calls (which resets V8's
 * counts), makes one call and takes it again: what ran in between, file by file.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { takeCoverage } from 'node:v8';
import { createLogger } from '../src/composition/logger';
import { startServer } from '../src/composition/server';
import { FAKE_API_KEY, FakeOpenRouter } from '../test/support/fake-openrouter';
import { createTestDatabase } from '../test/support/test-database';

interface FnCov {
  functionName: string;
  ranges: Array<{ startOffset: number; count: number }>;
}
type Snapshot = Map<string, Map<string, number>>;

const dir = process.env.NODE_V8_COVERAGE ?? '';
const SRC = `${pathToFileURL(resolve(__dirname, '..')).href}/src/`;

const snapshot = (): Snapshot => {
  takeCoverage();
  const mine = readdirSync(dir).filter((f) => f.startsWith(`coverage-${process.pid}-`));
  const at = (f: string) => Number(f.split('-')[2]);
  const latest = join(dir, mine.sort((a, b) => at(a) - at(b) || a.localeCompare(b)).at(-1)!);
  const out: Snapshot = new Map();
  const json = JSON.parse(readFileSync(latest, 'utf8')) as {
    result: Array<{ url: string; functions: FnCov[] }>;
  };
  for (const s of json.result) {
    // The service's own files (not the fake OpenRouter's, which runs in this process too).
    if (!s.url.startsWith(SRC)) continue;
    if (s.url.includes('/in-memory/in-memory-gateway')) continue;
    const fns = new Map<string, number>();
    for (const f of s.functions)
      fns.set(`${f.functionName}@${f.ranges[0]!.startOffset}`, f.ranges[0]!.count);
    out.set(`src/${s.url.slice(SRC.length)}`, fns);
  }
  return out;
};

const main = async () => {
  const fake = await FakeOpenRouter.start({});
  const db = await createTestDatabase();
  const running = await startServer({
    config: {
      server: { port: 0 },
      database: { url: db.url },
      openrouter: { base_url: fake.baseUrl, cache: { enabled: false } },
    },
    env: { OPENROUTER_API_KEY: FAKE_API_KEY },
    logger: createLogger('info', { write: () => undefined }),
    background: false,
  });
  const call = (i: number) =>
    fetch(`${running.url}/api/inference`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ level: 'turn', purpose: 'map', input: `question ${i}` }),
    }).then((r) => r.text());
  for (let i = 0; i < 30; i++) await call(i);
  const before = snapshot();
  await call(1000);
  const after = snapshot();
  void before; // taking coverage resets the counts: `after` holds the one call alone
  for (const [file, fns] of after) {
    const ran = [...fns].filter(([, n]) => n > 0).map(([k]) => k.split('@')[0] || '(anonymous)');
    if (ran.length > 0) console.log(`${file}\t${[...new Set(ran)].join(', ')}`);
  }
  await running.shutdown();
  await fake.close();
  await db.drop();
};

if (dir === '') {
  // Run again with V8's coverage on, into a directory of its own.
  const cov = mkdtempSync(join(tmpdir(), 'call-map-'));
  const r = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, NODE_V8_COVERAGE: cov },
  });
  rmSync(cov, { recursive: true, force: true });
  process.exit(r.status ?? 1);
} else void main().then(() => process.exit(0));
