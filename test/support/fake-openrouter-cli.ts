import { parseArgs } from 'node:util';
import { FakeOpenRouter } from './fake-openrouter';

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
  const fake = await FakeOpenRouter.start({
    port,
    host: values.host,
    latencyMs,
    apiKey: values['api-key'] ?? process.env.FAKE_OPENROUTER_KEY,
    record: false,
  });
  // The key is not echoed: it is the one given, or FAKE_API_KEY (see docs/gateway.md).
  process.stdout.write(`fake OpenRouter listening on ${fake.baseUrl} (latency ${latencyMs} ms)\n`);
  const stop = (): void => void fake.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
};

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
