import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { FAKE_API_KEY } from './fake-openrouter';

jest.setTimeout(120_000);

/** Starts the CLI as `npm run fake-openrouter` does and returns its first output, then stops it. */
const firstOutput = (args: string[]) =>
  new Promise<string>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(__dirname, 'fake-openrouter-cli.ts'), ...args],
      {
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      if (out.includes('npm start\n')) child.kill('SIGTERM');
    });
    child.once('exit', () => resolve(out));
    child.once('error', reject);
  });

describe('npm run fake-openrouter', () => {
  it('prints the key it accepts and the line that points the service at it', async () => {
    const out = await firstOutput(['--port', '0']);
    expect(out).toContain(`key ${FAKE_API_KEY}`);
    expect(out).toMatch(
      new RegExp(
        `OPENROUTER_BASE_URL=http://127\\.0\\.0\\.1:\\d+/api/v1 OPENROUTER_API_KEY=${FAKE_API_KEY} npm start`,
      ),
    );
  });

  it('prints a key given with --api-key', async () => {
    expect(await firstOutput(['--port', '0', '--api-key', 'sk-or-mine'])).toContain(
      'OPENROUTER_API_KEY=sk-or-mine',
    );
  });
});
