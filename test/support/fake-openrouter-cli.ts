import { parseArgs } from 'node:util';
import { FAKE_API_KEY, FakeOpenRouter } from './fake-openrouter';

const USAGE = `usage: npm run fake-openrouter -- [--port 4010] [--host 127.0.0.1] [--latency-ms 0] [--api-key KEY]

A fake OpenRouter for demos, tests and benchmarks: OpenRouter's routes and reply shapes, canned
answers (echo(<hash>): <input>), made-up prices. Nothing leaves the machine.

  --port N          port to listen on (default 4010; 0 picks a free one)
  --host H          address to listen on (default 127.0.0.1)
  --latency-ms N    delay before every reply (default 0)
  --api-key KEY     the bearer key it accepts (default FAKE_OPENROUTER_KEY, else sk-or-fake-key)
  -h, --help        this text
`;

/**
 * Runs the fake OpenRouter for demos and benchmarks:
 * `npm run fake-openrouter -- --port 4010 --latency-ms 20 [--api-key KEY] [--host H]`.
 * Requests are not kept (no read-back), so it can run for hours.
 */
const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: {
      help: { type: 'boolean', short: 'h' },
      port: { type: 'string', default: '4010' },
      host: { type: 'string', default: '127.0.0.1' },
      'latency-ms': { type: 'string', default: '0' },
      'api-key': { type: 'string' },
    },
  });
  if (values.help === true) {
    process.stdout.write(USAGE);
    return;
  }
  const port = Number(values.port);
  const latencyMs = Number(values['latency-ms']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port: 0–65535');
  if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new Error('--latency-ms: a number ≥ 0');
  const apiKey = values['api-key'] ?? (process.env.FAKE_OPENROUTER_KEY || FAKE_API_KEY);
  const fake = await FakeOpenRouter.start({
    port,
    host: values.host,
    latencyMs,
    apiKey,
    record: false,
  });
  // A fake's key guards nothing real: print it, so the service can be pointed here at once.
  process.stdout.write(
    `fake OpenRouter listening on ${fake.baseUrl} (latency ${latencyMs} ms), key ${apiKey}\n` +
      `  OPENROUTER_BASE_URL=${fake.baseUrl} OPENROUTER_API_KEY=${apiKey} npm start\n`,
  );
  const stop = (): void => void fake.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
};

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`);
  process.exit(1);
});
