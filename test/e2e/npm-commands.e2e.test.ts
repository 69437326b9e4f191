import { join } from 'node:path';
import { runNpm } from './npm-harness';

const ROOT = join(__dirname, '..', '..');

/** Runs `npm run <args>` in the checkout to its end. */
const npmRun = async (args: string[], env: Record<string, string> = {}) => {
  const p = runNpm(ROOT, ['run', '--silent', ...args], env);
  const { code } = await p.exited;
  return { code, out: p.output() };
};

describe('the other npm commands, as an operator first meets them', () => {
  it('npm run migrate without DATABASE_URL says what to set in one line, no stack trace', async () => {
    const { code, out } = await npmRun(['migrate']);
    expect(code).toBe(1);
    expect(out.trim().split('\n')).toEqual([
      expect.stringMatching(/^npm run migrate: set DATABASE_URL to the PostgreSQL server/),
    ]);
  });

  it('npm run migrate against a server that is not there says so in one line', async () => {
    const { code, out } = await npmRun(['migrate'], {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:9/none',
    });
    expect(code).toBe(1);
    expect(out.trim()).toMatch(/^npm run migrate: connect ECONNREFUSED 127\.0\.0\.1:9$/);
  });

  it('npm run fake-openrouter -- --help explains its options', async () => {
    const { code, out } = await npmRun(['fake-openrouter', '--', '--help']);
    expect(code).toBe(0);
    expect(out).toMatch(/^usage: npm run fake-openrouter/);
    for (const option of ['--port', '--host', '--latency-ms', '--api-key']) {
      expect(out).toContain(option);
    }
    expect(out).not.toMatch(/unknown option/i);
  });
});
