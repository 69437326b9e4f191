import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startChild, type Child } from './children';

/** The peer gateway, pinned: a benchmark compares against one known version. */
export const PEER = '@portkey-ai/gateway@1.15.2';
const VERSION = '1.15.2';
const DIR = join('bench', 'peers', 'portkey');
const PACKAGE = join(DIR, 'node_modules', '@portkey-ai', 'gateway');

/**
 * Portkey asks for `@hono/node-server` `^1.3.3`, which npm resolves to the newest 1.x. Since
 * 1.14.1 its Response keeps the upstream reply's immutable Headers, and Portkey 1.15.2 appends
 * to them: every streamed request then fails (500, "immutable" in its log). 1.14.0 copies them.
 */
const ADAPTER = { name: '@hono/node-server', version: '1.14.0' } as const;

const versionOf = (root: string, pkg: string): string | undefined => {
  const manifest = join(root, DIR, 'node_modules', pkg, 'package.json');
  if (!existsSync(manifest)) return undefined;
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version;
};

const installed = (root: string): boolean =>
  versionOf(root, '@portkey-ai/gateway') === VERSION &&
  versionOf(root, ADAPTER.name) === ADAPTER.version;

/**
 * Installs the peer into bench/peers/portkey (git-ignored; never a dependency of the service)
 * unless that version is already there. Resolves to null when ready, else why it is not.
 */
export const ensurePeer = (root: string, timeoutMs = 120_000): Promise<string | null> => {
  if (installed(root)) return Promise.resolve(null);
  return new Promise((resolve) => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    mkdirSync(join(root, DIR), { recursive: true });
    writeFileSync(
      join(root, DIR, 'package.json'),
      JSON.stringify({
        private: true,
        dependencies: { '@portkey-ai/gateway': VERSION },
        overrides: { [ADAPTER.name]: ADAPTER.version },
      }),
    );
    const args = ['install', '--prefix', DIR, '--no-audit', '--no-fund'];
    const p = spawn(npm, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-8000)));
    const timer = setTimeout(() => p.kill('SIGTERM'), timeoutMs);
    p.on('error', (e) => resolve(`npm could not run: ${e.message}`));
    p.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0 && installed(root)) resolve(null);
      else resolve(`npm install ${PEER} failed (exit ${code}): ${npmReason(err)}`);
    });
  });
};

/** The lines of npm's stderr that say what went wrong, without the pointer to its log file. */
const npmReason = (stderr: string): string =>
  stderr
    .split('\n')
    .filter((l) => /^npm error/.test(l) && !/complete log/.test(l) && l.trim() !== 'npm error')
    .slice(0, 3)
    .map((l) => l.replace(/^npm error\s*/, ''))
    .join('; ') || 'no reason given';

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });

/**
 * Starts the peer on a free port (`--port=N`, read from its start-server.js) without its
 * log-viewer UI (`--headless`), so it does the least work it can per request.
 */
export const startPeer = async (root: string, tmp: string): Promise<Child & { port: number }> => {
  const port = await freePort();
  const child = await startChild({
    name: 'Portkey gateway',
    args: [join(root, PACKAGE, 'build', 'start-server.js'), `--port=${port}`, '--headless'],
    logFile: join(tmp, 'portkey.log'),
    ready: /Ready for connections/,
  });
  return { ...child, port };
};
