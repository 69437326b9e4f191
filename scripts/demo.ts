import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startServer } from '../src/composition/server';
import { formatSummary } from '../src/composition/startup-summary';
import { FAKE_API_KEY, FakeOpenRouter } from '../test/support/fake-openrouter';
import { run } from './demo-story';

/**
 * `npm run demo`: the whole service offline. Starts the fake OpenRouter and the service
 * (embedded PostgreSQL in a throw-away directory, or `--memory`), then over HTTP makes a fresh
 * call, its cached repeat, a call the fake answers 429 then 200 (retried), and calls until the
 * demo's low rate limit refuses one; then prints the usage summary and the call records.
 */
const memory = process.argv.includes('--memory');

const say = (text: string): void => void process.stdout.write(`${text}\n`);

const main = async (): Promise<void> => {
  const fake = await FakeOpenRouter.start({ latencyMs: 40 });
  const dataDir = mkdtempSync(join(tmpdir(), 'headspace-demo-'));
  // Run as root, embedded PostgreSQL drops to the postgres user, who must reach its data dir.
  chmodSync(dataDir, 0o755);
  const server = await startServer({
    memory,
    env: {},
    logger: pino({ level: process.env.LOG_LEVEL ?? 'error' }),
    config: {
      server: { host: '127.0.0.1', port: 0 },
      data_dir: dataDir,
      openrouter: {
        base_url: fake.baseUrl,
        api_key: FAKE_API_KEY,
        health_check_interval_ms: 0,
        // Low enough that the demo reaches it: three upstream calls a minute, no waiting.
        rate_limits: { calls_per_minute: 3, max_wait_ms: 0 },
        retry: { max_attempts: 3, base_delay_ms: 250, max_delay_ms: 2000 },
      },
    },
  });
  try {
    say(formatSummary(server.summary));
    say(`fake OpenRouter on ${fake.baseUrl}\n`);
    await run(server.url, fake);
  } finally {
    await server.shutdown();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
};

main().catch((e: unknown) => {
  process.stderr.write(`demo failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
