import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAKE_API_KEY } from '../test/support/fake-openrouter';

/**
 * Throughput of the HTTP API, end to end: the server (`src/main.ts --memory`, one process) and
 * the fake OpenRouter (another process, zero latency) as children; autocannon drives the server
 * from this process. Scenarios: GET /healthz (the HTTP frame alone), POST /api/inference for one
 * repeated body (cache hits, each still recorded), and for distinct bodies (each a real
 * upstream call through the OpenRouter gateway). Usage: `npm run bench:http -- [seconds] [conns]`.
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

/** Spawns a node script under tsx and resolves with the first URL it prints. */
const start = (args: string[], env: NodeJS.ProcessEnv, pattern: RegExp) =>
  new Promise<{ child: ChildProcess; url: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const m = pattern.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });

const main = async (): Promise<void> => {
  const seconds = Number(process.argv[2] ?? 10);
  const connections = Number(process.argv[3] ?? 32);
  const fake = await start(
    ['test/support/fake-openrouter-cli.ts', '--port', '0'],
    {},
    /listening on (http:\/\/\S+)/,
  );
  const config = join(mkdtempSync(join(tmpdir(), 'bench-http-')), 'config.yaml');
  writeFileSync(
    config,
    [
      'server: { port: 0 }',
      'openrouter:',
      '  health_check_interval_ms: 0',
      '  rate_limits: { calls_per_minute: 100000000, tokens_per_minute: 100000000000 }',
      '  cache: { max_entries: 10000000 }',
    ].join('\n'),
  );
  const server = await start(
    ['src/main.ts', '--memory', '--config', config],
    { LOG_LEVEL: 'warn', OPENROUTER_BASE_URL: fake.url, OPENROUTER_API_KEY: FAKE_API_KEY },
    /listening on (http:\/\/\S+)/,
  );
  const body = (input: string) =>
    JSON.stringify({ level: 'turn', purpose: 'bench', input, projectId: 'bench' });
  let n = 0;
  const scenarios: Array<[string, object]> = [
    ['GET /healthz', { url: `${server.url}/healthz` }],
    [
      'POST /api/inference, cache hit',
      {
        url: `${server.url}/api/inference`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: body('the same question every time'),
      },
    ],
    [
      'POST /api/inference, upstream call',
      {
        url: `${server.url}/api/inference`,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            setupRequest: (r: object) => ({ ...r, body: body(`question ${n++}`) }),
          },
        ],
      },
    ],
  ];
  process.stdout.write(
    `${seconds} s each, ${connections} connections, node ${process.version}\n\n` +
      '| scenario | req/s | p50 ms | p99 ms | non-2xx | server CPU s per 1k req |\n|---|---|---|---|---|---|\n',
  );
  for (const [name, opts] of scenarios) {
    const cpu0 = cpuSeconds(server.child.pid!);
    const r = await autocannon({ ...opts, connections, duration: seconds });
    const cpu = cpuSeconds(server.child.pid!) - cpu0;
    process.stdout.write(
      `| ${name} | ${Math.round(r.requests.average)} | ${r.latency.p50} | ${r.latency.p99} | ` +
        `${r.non2xx + r.errors} | ${((cpu / r.requests.total) * 1000).toFixed(3)} |\n`,
    );
  }
  server.child.kill('SIGTERM');
  fake.child.kill('SIGTERM');
};

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
