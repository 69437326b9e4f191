import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { FAKE_API_KEY } from '../test/support/fake-openrouter';

/**
 * The fake OpenRouter's own throughput: it runs in a child process (one Node thread, so one
 * core) with zero latency while autocannon, in this process, drives POST /chat/completions.
 * Usage: `npm run bench:fake-openrouter -- [seconds] [connections] [pipelining]`.
 */
interface Result {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (opts: object) => Promise<Result>;
const autocannon = createRequire(__filename)('autocannon') as Autocannon;

const cpuSeconds = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

const main = async (): Promise<void> => {
  const seconds = Number(process.argv[2] ?? 10);
  const connections = Number(process.argv[3] ?? 32);
  const pipelining = Number(process.argv[4] ?? 1);
  const child = spawn(
    process.execPath,
    [
      '--max-semi-space-size=32',
      '--import',
      'tsx',
      'test/support/fake-openrouter-cli.ts',
      '--port',
      '0',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  const baseUrl = /(http:\/\/\S+)/.exec(line.toString())?.[1];
  if (!baseUrl) throw new Error(`unexpected start-up line: ${line.toString()}`);
  const body = JSON.stringify({
    model: 'anthropic/claude-haiku-4.5',
    messages: [
      { role: 'system', content: 'Summarise in one line.' },
      { role: 'user', content: 'The turn edited three files and ran the test suite twice.' },
    ],
    max_tokens: 64,
  });
  const run = (duration: number) =>
    autocannon({
      url: `${baseUrl}/chat/completions`,
      method: 'POST',
      headers: { authorization: `Bearer ${FAKE_API_KEY}`, 'content-type': 'application/json' },
      body,
      connections,
      pipelining,
      duration,
    });
  await run(2); // warm-up: JIT and connection pools
  const cpu0 = cpuSeconds(child.pid!);
  const r = await run(seconds);
  const cpu = cpuSeconds(child.pid!) - cpu0;
  child.kill('SIGTERM');
  const line2 = [
    `fake OpenRouter, POST /chat/completions, latency 0, ${connections} connections, pipelining ${pipelining}, ${seconds} s:`,
    `  ${Math.round(r.requests.average)} responses/s (total ${r.requests.total}),`,
    `  p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors},`,
    `  server CPU ${(cpu / seconds).toFixed(2)} cores (one Node thread plus GC),`,
    `  capacity ${Math.round(r.requests.total / cpu)} responses per server CPU-second`,
  ];
  process.stdout.write(`${line2.join('\n')}\n`);
};

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
