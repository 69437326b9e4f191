import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { FAKE_API_KEY } from '../support/fake-openrouter';

const ROOT = join(__dirname, '..', '..');

/** A server process started from src/main.ts, as `npm start` runs it (through tsx, unbuilt). */
export interface ServerProcess {
  readonly child: ChildProcess;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
}

/**
 * Environment without anything from this machine that would change the service's config, and
 * OpenRouter pointed at a closed loopback port unless a test gives its fake: tests never leave
 * the machine.
 */
const cleanEnv = (env: Record<string, string>): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  LOG_LEVEL: 'info',
  OPENROUTER_BASE_URL: 'http://127.0.0.1:9/api/v1',
  ...env,
});

/** Spawns `node --import tsx src/main.ts ...args` in the repository. */
export const spawnServer = (args: string[], env: Record<string, string> = {}): ServerProcess => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: ROOT,
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
};

/**
 * The service on `config` calling the fake OpenRouter `fake`, its call log in `databaseUrl`
 * (absent: the config's own database, else embedded PostgreSQL under its data_dir).
 */
export const spawnWithFake = (
  config: string,
  fake: { readonly baseUrl: string },
  databaseUrl?: string,
): ServerProcess =>
  spawnServer(['--config', config], {
    ...(databaseUrl === undefined ? {} : { DATABASE_URL: databaseUrl }),
    OPENROUTER_BASE_URL: fake.baseUrl,
    OPENROUTER_API_KEY: FAKE_API_KEY,
  });

/** The URL the process printed, once it listens; rejects if it exits first. */
export const listeningUrl = (p: ServerProcess): Promise<string> =>
  new Promise((resolve, reject) => {
    const look = (): boolean => {
      const m = /listening on (http:\/\/\S+)/.exec(p.stdout());
      if (m) resolve(m[1]!);
      return m !== null;
    };
    if (look()) return;
    const onData = (): void => {
      if (look()) p.child.stdout!.off('data', onData);
    };
    p.child.stdout!.on('data', onData);
    void p.exited.then((code) =>
      reject(new Error(`exited with ${code} before listening:\n${p.stderr()}${p.stdout()}`)),
    );
  });

/** The JSON log lines printed so far. */
export const logLines = (p: ServerProcess): Array<Record<string, unknown>> =>
  p
    .stdout()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
