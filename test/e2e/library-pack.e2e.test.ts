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

/** The README's library example, verbatim: the test runs what a new user would copy. */
const readmeExample = (): string => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /```ts\n(import \{ createInferenceService \}[\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no library example');
  return block;
};

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
  let fake: FakeOpenRouter;
  let db: TestDatabase;

  beforeAll(async () => {
    [fake, db] = await Promise.all([FakeOpenRouter.start(), createTestDatabase()]);
    // `npm pack` runs `prepare`, the same build a git or folder install runs.
    await run('npm', ['pack', '--pack-destination', work], { cwd: ROOT, env: ENV });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error('npm pack made no tarball');
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
    );
    await run(
      'npm',
      ['install', join(work, tarball), '--no-audit', '--no-fund', '--prefer-offline'],
      { cwd: project, env: ENV },
    );
    await run(TSC, ['--init'], { cwd: project, env: ENV });
  });

  afterAll(async () => {
    await fake?.close();
    await db?.drop();
  });

  it('compiles the README example with default tsc settings and runs it', async () => {
    writeFileSync(join(project, 'example.ts'), readmeExample());
    await run(TSC, ['-p', '.'], { cwd: project, env: ENV });
    // No options: ./config.yaml is read (else the base URL would be OpenRouter's, unreachable).
    writeFileSync(
      join(project, 'config.yaml'),
      `openrouter: { base_url: '${fake.baseUrl}' }\ndatabase: { url: '${db.url}' }\n`,
    );
    const r = await node(project, 'example.js', { ...ENV, OPENROUTER_API_KEY: FAKE_API_KEY });
    expect(r.out).toMatch(/^cost: \d+ nano-USD$/m);
    expect(r.out).toMatch(/^echo\([0-9a-f]{12}\): Hello there$/m);
    expect(r.out.indexOf('cost:')).toBeLessThan(r.out.indexOf('echo('));
    expect(r.code).toBe(0);
    expect(fake.completions()).toHaveLength(1);
  });

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
