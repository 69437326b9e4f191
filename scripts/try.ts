import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { join } from 'node:path';
import { FAKE_API_KEY, FakeOpenRouter } from '../test/support/fake-openrouter';

/**
 * `npm run try`: the service as `npm start` runs it, but calling the bundled fake OpenRouter
 * instead of the real one, so the README's examples answer without a key or a network. The
 * answers are canned (`echo(<hash>): <your input>`), cost the fake's made-up prices, and the call
 * log is kept in memory only, so nothing of a try survives it or mixes with real spend.
 */
const BANNER = `
  TRY MODE: answers are canned by the bundled fake OpenRouter, not written by a model.
  Nothing is kept after exit. For real answers: OPENROUTER_API_KEY=sk-or-... npm start
`;

const main = async (): Promise<void> => {
  const fake = await FakeOpenRouter.start({ record: false, latencyMs: 200 });
  const entry = join(__dirname, '..', 'dist', 'src', 'main.js');
  const service = spawn(process.execPath, [entry, '--memory'], {
    stdio: 'inherit',
    env: { ...process.env, OPENROUTER_BASE_URL: fake.baseUrl, OPENROUTER_API_KEY: FAKE_API_KEY },
  });
  process.stdout.write(BANNER);
  // The service shuts down gracefully on these; the fake stays up until it has.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => service.kill(signal));
  }
  service.once('exit', (code, signal) => {
    // Exit as the service did: its code, or 128 + the signal that ended it, as a shell reports.
    const status = code ?? 128 + (signal === null ? 0 : constants.signals[signal]);
    void fake.close().then(() => process.exit(status));
  });
};

main().catch((e: unknown) => {
  process.stderr.write(`npm run try: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
