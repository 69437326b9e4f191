import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnServer, type ServerProcess } from './process-harness';

// Spawning node with tsx compiles on the fly: allow for a busy machine.
jest.setTimeout(120_000);

const dir = mkdtempSync(join(tmpdir(), 'hs-refusals-'));
const configFile = (name: string, yaml: string): string => {
  const path = join(dir, name);
  writeFileSync(path, yaml);
  return path;
};

describe('the server process refuses to start', () => {
  let running: ServerProcess | undefined;
  afterEach(() => {
    if (running && running.child.exitCode === null) running.child.kill('SIGKILL');
    running = undefined;
  });

  it('refuses a non-loopback host without a token, saying so', async () => {
    running = spawnServer(['--memory'], { HOST: '0.0.0.0', PORT: '0' });
    expect(await running.exited).toBe(1);
    expect(running.stderr()).toMatch(/refusing to listen on 0\.0\.0\.0 without an auth token/);
  });

  it('stops on an invalid configuration, naming the key', async () => {
    const bad = configFile('bad.yaml', 'server: { port: 0, max_body_bytes: lots }\n');
    running = spawnServer(['--memory', '--config', bad]);
    expect(await running.exited).toBe(1);
    expect(running.stderr()).toMatch(/server\.max_body_bytes must be a positive integer/);
  });
});
