import { execFile } from 'node:child_process';
import { readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '../support/wait-for';
import {
  checkoutCopy,
  freePort,
  serving,
  processesIn,
  runNpm,
  type NpmProcess,
} from './npm-harness';

// A start after a change compiles the service: a minute or more on a busy machine.
jest.setTimeout(300_000);

const ROOT = join(__dirname, '..', '..');

/** The README's first curl command (with its continuation lines), as a newcomer copies it. */
const firstCurl = (): string => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const cmd = /^curl (?:[^\n]*\\\n)*[^\n]*/m.exec(readme)?.[0];
  if (!cmd) throw new Error('README.md has no curl example');
  return cmd;
};

describe('npm start and npm run try, as an operator runs and stops them', () => {
  const dir = checkoutCopy();
  const start = async (args: string[], terminal = false) => {
    const port = await freePort();
    if (port === undefined) throw new Error('no free port');
    return { p: runNpm(dir, args, { PORT: String(port) }, terminal), port };
  };
  /** Signals npm itself, by its pid; then waits until nothing of the service is left. */
  const stopByPid = async (p: NpmProcess, signal: NodeJS.Signals, port: number) => {
    p.child.kill(signal);
    const exit = await p.exited;
    await waitFor(async () => (processesIn(dir).length === 0 ? true : undefined), 15_000, {
      everyMs: 100,
    });
    return { exit, portFree: (await freePort(port)) === port };
  };
  const stopped = { exit: { code: 0, signal: null }, portFree: true };

  afterAll(() => {
    // Only after a failure is anything left; these are the processes this suite started.
    for (const pid of processesIn(dir)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('compiles when a source changed, serves, and stops entirely on SIGTERM to npm', async () => {
    const now = new Date();
    utimesSync(join(dir, 'src', 'main.ts'), now, now);
    const { p, port } = await start(['start']);
    await serving(p, port, 240_000);
    expect(p.output()).toContain('compiling');
    // npm, node, the embedded PostgreSQL's supervisor and its processes.
    expect(processesIn(dir).length).toBeGreaterThanOrEqual(4);
    expect(await stopByPid(p, 'SIGTERM', port)).toEqual(stopped);
    expect(p.output()).toContain('shut down: call log flushed');
  });

  it('starts warm (compiles nothing) when nothing changed, and stops entirely on SIGINT to npm', async () => {
    // How fast that is (1.6–2.3 s here, quiet) is for a measurement, not a timed assertion on a
    // shared machine: what the test holds is that nothing is built again.
    const built = statSync(join(dir, 'dist', 'src', 'main.js')).mtimeMs;
    const { p, port } = await start(['start']);
    await serving(p, port, 60_000, 50);
    expect(await stopByPid(p, 'SIGINT', port)).toEqual(stopped);
    expect(p.output()).not.toContain('compiling');
    expect(statSync(join(dir, 'dist', 'src', 'main.js')).mtimeMs).toBe(built);
    // Offline without a key is no problem worth a warning: nothing is called upstream.
    expect(p.output()).not.toContain('health check failed');
  });

  it('in a terminal: the banner, then text log lines (no JSON, no warning); Ctrl-C stops it all', async () => {
    const { p, port } = await start(['start'], true);
    await serving(p, port, 60_000);
    p.child.stdin!.write('\x03');
    await p.exited;
    await waitFor(async () => (processesIn(dir).length === 0 ? true : undefined), 15_000, {
      everyMs: 100,
    });
    expect(await freePort(port)).toBe(port);
    const service = p.output().slice(p.output().indexOf('Headspace Inference listening'));
    expect(service).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}listening {2}url=http/m);
    expect(service).toMatch(/INFO {2}shut down: call log flushed/);
    // One Ctrl-C reaches npm and node, and npm forwards it: still one graceful shutdown.
    expect(service).not.toContain('second signal');
    expect(p.output()).not.toMatch(/^\{/m);
    expect(p.output()).not.toMatch(/WARN|health check failed/);
  });

  it('kill -9 of the service leaves no PostgreSQL behind (its supervisor, in a process group of its own, stops it)', async () => {
    const { p, port } = await start(['start']);
    await serving(p, port, 60_000);
    const service = processesIn(dir).find((pid) =>
      readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('dist/src/main.js'),
    );
    expect(service).toBeDefined();
    process.kill(service!, 'SIGKILL');
    await p.exited;
    await waitFor(async () => (processesIn(dir).length === 0 ? true : undefined), 20_000, {
      everyMs: 100,
    });
    expect(processesIn(dir)).toEqual([]);
  });

  it("npm run try answers the README's first example with a labelled canned answer", async () => {
    const { p, port } = await start(['run', 'try']);
    await serving(p, port, 120_000);
    const curl = firstCurl().replaceAll('localhost:8080', `127.0.0.1:${port}`);
    const { stdout } = await promisify(execFile)('sh', ['-c', curl]);
    const answer = JSON.parse(stdout) as { text: string; level: string };
    expect(answer.level).toBe('turn');
    expect(answer.text).toMatch(/^echo\(\w+\): /);
    expect(p.output()).toContain('TRY MODE: answers are canned by the bundled fake OpenRouter');
    expect(await stopByPid(p, 'SIGTERM', port)).toEqual(stopped);
  });
});
