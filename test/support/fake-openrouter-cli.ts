import { parseArgs } from 'node:util';
import { FAKE_API_KEY, FakeOpenRouter } from './fake-openrouter';

/**
 * Runs the fake OpenRouter for demos and benchmarks:
 * `npm run fake-openrouter -- --port 4010 --latency-ms 20 [--api-key KEY] [--host H]`.
 * Requests are not kept (no read-back), so it can run for hours.
 */
const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4010' },
      host: { type: 'string', default: '127.0.0.1' },
      'latency-ms': { type: 'string', default: '0' },
      'api-key': { type: 'string' },
    },
  });
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
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
