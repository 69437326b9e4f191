import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FAKE_API_KEY, FakeOpenRouter } from '../support/fake-openrouter';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

// Packing builds the library (prepare) and installing resolves its dependencies from the local
// npm cache: minutes on a busy machine.
jest.setTimeout(600_000);

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const TSC = join(ROOT, 'node_modules', '.bin', 'tsc');
/** A clean environment: no CONFIG_PATH or keys of the machine leak into the consumer. */
const ENV = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };

/** The README's library example that begins so, verbatim: the test runs what a user would copy. */
const readmeExample = (opening: string): string => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = readme.split('```ts\n').find((b) => b.startsWith(opening));
  if (!block) throw new Error(`README.md has no library example opening with ${opening}`);
  return block.slice(0, block.indexOf('```'));
};
const ESM_EXAMPLE = 'import { createInferenceService }';
const COMMONJS_EXAMPLE = 'import inference = require(';

const node = (cwd: string, file: string, env: Record<string, string>) =>
  new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, [file], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.once('exit', (code) => resolve({ code, out }));
  });

describe('the packed library in a fresh TypeScript project', () => {
  const work = mkdtempSync(join(tmpdir(), 'hs-pack-'));
  const project = join(work, 'consumer');
  // What `npm init` makes: no "type", so CommonJS.
  const commonjs = join(work, 'commonjs-consumer');
  let fake: FakeOpenRouter;
  let db: TestDatabase;

  beforeAll(async () => {
    [fake, db] = await Promise.all([FakeOpenRouter.start(), createTestDatabase()]);
    // `npm pack` runs `prepare`, the same build a git or folder install runs.
    await run('npm', ['pack', '--pack-destination', work], { cwd: ROOT, env: ENV });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error('npm pack made no tarball');
    const consumers = [
      { dir: project, pkg: { name: 'consumer', private: true, type: 'module' } },
      { dir: commonjs, pkg: { name: 'commonjs-consumer', version: '1.0.0', main: 'index.js' } },
    ];
    for (const { dir, pkg } of consumers) {
      mkdirSync(dir);
      writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
      await run(
        'npm',
        ['install', join(work, tarball), '--no-audit', '--no-fund', '--prefer-offline'],
        { cwd: dir, env: ENV },
      );
      await run(TSC, ['--init'], { cwd: dir, env: ENV });
    }
  });

  /** Compiles the example in `dir` and runs it against the fake and the test database. */
  const compileAndRun = async (dir: string, example: string) => {
    writeFileSync(join(dir, 'example.ts'), example);
    await run(TSC, ['-p', '.'], { cwd: dir, env: ENV });
    // No options: ./config.yaml is read (else the base URL would be OpenRouter's, unreachable).
    writeFileSync(
      join(dir, 'config.yaml'),
      `openrouter: { base_url: '${fake.baseUrl}' }\ndatabase: { url: '${db.url}' }\n`,
    );
    return node(dir, 'example.js', { ...ENV, OPENROUTER_API_KEY: FAKE_API_KEY });
  };

  afterAll(async () => {
    await fake?.close();
    await db?.drop();
  });

  it.each([
    ['an ES module project', ESM_EXAMPLE, () => project],
    ['a CommonJS project (npm init)', COMMONJS_EXAMPLE, () => commonjs],
  ])(
    'compiles the README example for %s with default tsc settings and runs it',
    async (_, opening, dir) => {
      const before = fake.completions().length;
      const r = await compileAndRun(dir(), readmeExample(opening));
      expect(r.out).toMatch(/^cost: \d+ nano-USD$/m);
      expect(r.out).toMatch(/^echo\([0-9a-f]{12}\): Hello there$/m);
      expect(r.out.indexOf('cost:')).toBeLessThan(r.out.indexOf('echo('));
      expect(r.code).toBe(0);
      expect(fake.completions()).toHaveLength(before + 1);
    },
  );

  it('rejects a wrong level and an unknown field at compile time', async () => {
    writeFileSync(
      join(project, 'example.ts'),
      `import type { InferenceRequest } from 'headspace-inference';\n` +
        `export const a: InferenceRequest = { level: 'galaxy', purpose: 'p', input: 'i' };\n` +
        `export const b: InferenceRequest = { level: 'turn', purpose: 'p', input: 'i', colour: 1 };\n`,
    );
    const failed = await run(TSC, ['-p', '.'], { cwd: project, env: ENV }).then(
      () => '',
      (e: { stdout: string }) => e.stdout,
    );
    expect(failed).toMatch(/example\.ts\(2,.*TS2322.*"galaxy"/);
    expect(failed).toMatch(/example\.ts\(3,.*TS2353.*'colour'/);
  });
});
