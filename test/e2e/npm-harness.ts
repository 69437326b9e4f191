import { spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../support/wait-for';

const ROOT = join(__dirname, '..', '..');
/** What `npm start` and `npm run try` read, besides node_modules. */
const COPIED = [
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'knexfile.ts',
  'config.yaml',
  'dashboard',
  'src',
  'migrations',
  'scripts',
  'test/support',
  'dist',
];

/**
 * A copy of the checkout (node_modules linked) where `npm start` can build, run and be stopped
 * without touching the checkout's dist/ or .data/, which other suites use. Timestamps are kept,
 * so the copy's dist/ is exactly as fresh as the checkout's.
 */
export const checkoutCopy = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'hs-npm-'));
  // Run as root, embedded PostgreSQL drops to the postgres user, who must reach its data dir.
  chmodSync(dir, 0o755);
  for (const path of COPIED) {
    if (!existsSync(join(ROOT, path))) continue;
    cpSync(join(ROOT, path), join(dir, path), { recursive: true, preserveTimestamps: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
};

/** An `npm` process started by a test, as an operator or a process manager starts it. */
export interface NpmProcess {
  readonly child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * `npm <args>` in `cwd`, with nothing of this machine's configuration and OpenRouter unreachable;
 * with `terminal`, inside a pseudo-terminal (util-linux `script`), as a person at a shell runs it:
 * writing `\x03` to its stdin is then Ctrl-C, a SIGINT to npm and node at once.
 */
export const runNpm = (
  cwd: string,
  args: string[],
  env: Record<string, string>,
  terminal = false,
): NpmProcess => {
  const [command, argv] = terminal
    ? ['script', ['-qefc', ['npm', ...args].join(' '), '/dev/null']]
    : ['npm', args];
  const child = spawn(command, argv, {
    cwd,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      OPENROUTER_BASE_URL: 'http://127.0.0.1:9/api/v1',
      ...env,
    },
    stdio: [terminal ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (out += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => out, exited };
};

/** A port nothing listens on right now (and, once the service has stopped, nothing holds). */
export const freePort = (port = 0): Promise<number | undefined> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const { port: got } = server.address() as { port: number };
      server.close(() => resolve(got));
    });
  });

/** Resolves once `GET /healthz` answers 200 on `port`; fails at `ms`, or at once if npm exits. */
export const serving = (p: NpmProcess, port: number, ms: number, everyMs = 250): Promise<void> =>
  Promise.race([
    waitFor(
      async () => ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok ? true : undefined),
      ms,
      { tolerant: true, everyMs },
    ).then(() => undefined),
    p.exited.then((e) => {
      throw new Error(`npm exited (${e.code ?? e.signal}) before serving:\n${p.output()}`);
    }),
  ]);

/**
 * Processes working in `dir` or naming it on their command line (npm, node, the embedded
 * PostgreSQL and its supervisor all do), read from /proc.
 */
export const processesIn = (dir: string): number[] =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const cwd = readlinkSync(`/proc/${pid}/cwd`);
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return cwd.startsWith(dir) || cmdline.includes(dir);
      } catch {
        return false; // gone meanwhile, or not ours to read
      }
    })
    .map(Number);
