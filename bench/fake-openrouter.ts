import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { FAKE_API_KEY } from '../test/support/fake-openrouter';

/**
 * The fake OpenRouter's own throughput: it runs in a child process (one Node thread, so one
 * core) with zero latency while autocannon, in this process, drives POST /chat/completions.
 * A bare node:http server answering the same bytes runs next, as the floor of this machine.
 * Usage: `npm run bench:fake-openrouter -- [seconds] [connections]`.
 */
interface Result {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (opts: object) => Promise<Result>;
const autocannon = createRequire(__filename)('autocannon') as Autocannon;

const seconds = Number(process.argv[2] ?? 10);
const connections = Number(process.argv[3] ?? 32);
const body = JSON.stringify({
  model: 'anthropic/claude-haiku-4.5',
  messages: [
    { role: 'system', content: 'Summarise in one line.' },
    { role: 'user', content: 'The turn edited three files and ran the test suite twice.' },
  ],
  max_tokens: 64,
});

/** CPU seconds (user + system) a process has used, from /proc. */
const cpuSeconds = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

/** A bare node:http server that reads the body and sends a fixed reply of `size` bytes. */
const bare = (size: number): string[] => [
  '-e',
  `const r = JSON.stringify({ x: 'y'.repeat(${size - 10}) });
   require('node:http').createServer((q, s) => { q.on('data', () => {}); q.on('end', () => {
     s.sendDate = false; s.writeHead(200, ['content-type', 'application/json', 'content-length', String(r.length)]); s.end(r); }); })
   .listen(0, '127.0.0.1', function () { console.log('listening on http://127.0.0.1:' + this.address().port + '/api/v1'); });`,
];

const measure = async (name: string, args: string[]): Promise<Result> => {
  const child: ChildProcess = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  const baseUrl = /(http:\/\/\S+)/.exec(line.toString())?.[1];
  if (!baseUrl) throw new Error(`unexpected start-up line: ${line.toString()}`);
  const run = (duration: number) =>
    autocannon({
      url: `${baseUrl}/chat/completions`,
      method: 'POST',
      headers: { authorization: `Bearer ${FAKE_API_KEY}`, 'content-type': 'application/json' },
      body,
      connections,
      duration,
    });
  await run(2); // warm-up: JIT and connection pools
  const cpu0 = cpuSeconds(child.pid!);
  const r = await run(seconds);
  const cpu = cpuSeconds(child.pid!) - cpu0;
  child.kill('SIGTERM');
  process.stdout.write(
    `${name}: ${Math.round(r.requests.average)} responses/s (total ${r.requests.total}), ` +
      `p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors}; ` +
      `server CPU ${(cpu / seconds).toFixed(2)} cores, ${Math.round(r.requests.total / cpu)} responses per CPU-second\n`,
  );
  return r;
};

const main = async (): Promise<void> => {
  process.stdout.write(
    `POST /chat/completions, latency 0, ${connections} connections, ${seconds} s\n`,
  );
  await measure('fake OpenRouter', [
    '--import',
    'tsx',
    'test/support/fake-openrouter-cli.ts',
    '--port',
    '0',
  ]);
  await measure('bare node:http ', bare(380));
};

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
