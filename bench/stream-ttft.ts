/**
 * Streaming: time to first token through the service, minus straight to the fake OpenRouter,
 * same percentile, same run, at fixed request rates; beside Portkey's gateway streaming the same
 * requests through (when installed: `--peer` installs it into bench/peers/portkey).
 *
 *   npm run bench:stream -- [--rates 200,500] [--seconds 10] [--peer] [--memory] [--profile DIR]
 *                           [--service-src DIR]
 *
 * `--memory` adds the service with its call log in memory (what the durable intent costs, by
 * difference); `--profile DIR` runs the service processes with `--cpu-prof` into DIR;
 * `--service-src DIR` takes the service's src/ and migrations/ from another checkout (A/B).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildService } from './lib/build';
import { benchDatabase } from './lib/database';
import type { Target } from './lib/load';
import { ensurePeer, startPeer } from './lib/peer';
import { machine } from './lib/proc';
import { directTarget, peerTarget, serviceTarget, startFake, startService } from './lib/stack';
import { chatFirstToken, measureTtft, serviceFirstToken, type TtftRun } from './lib/ttft';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const rates = arg('rates', '200,500').split(',').map(Number);
const seconds = Number(arg('seconds', '10'));
const withPeer = process.argv.includes('--peer');
const withMemory = process.argv.includes('--memory');
const profile = process.argv.includes('--profile')
  ? resolve(arg('profile', 'profiles'))
  : undefined;
const source = process.argv.includes('--service-src')
  ? resolve(arg('service-src', '.'))
  : undefined;
const nodeArgs = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];

/** The same target, asking for a stream. */
const streamed = (t: Target): Target => ({
  ...t,
  body: (n) => JSON.stringify({ ...(JSON.parse(t.body(n)) as object), stream: true }),
});

const ms = (v: number) => (Number.isNaN(v) ? '—' : v.toFixed(2));

const main = async (): Promise<void> => {
  const root = process.cwd();
  const tmp = mkdtempSync(join(tmpdir(), 'hs-bench-ttft-'));
  const { main: serviceMain } = buildService(root, source);
  const db = await benchDatabase();
  const fake = await startFake(root, tmp);
  const service = await startService({
    name: 'service',
    main: serviceMain,
    tmp,
    databaseUrl: db.url,
    upstream: fake.baseUrl,
    cache: false,
    nodeArgs,
  });
  const memory = withMemory
    ? await startService({
        name: 'service-memory',
        main: serviceMain,
        tmp,
        databaseUrl: null,
        upstream: fake.baseUrl,
        cache: false,
        nodeArgs,
      })
    : undefined;
  const peerProblem = withPeer ? await ensurePeer(root) : 'not asked for (--peer)';
  const peer = peerProblem === null ? await startPeer(root, tmp) : undefined;
  const targets: Array<[string, Target, (b: string) => boolean]> = [
    ['direct', streamed(directTarget(fake.baseUrl)), chatFirstToken],
    ['service', streamed(serviceTarget(service.url)), serviceFirstToken],
    ...(memory
      ? [
          ['service, log in memory', streamed(serviceTarget(memory.url)), serviceFirstToken] as [
            string,
            Target,
            (b: string) => boolean,
          ],
        ]
      : []),
    ...(peer
      ? [
          ['Portkey', streamed(peerTarget(peer.port, fake.baseUrl)), chatFirstToken] as [
            string,
            Target,
            (b: string) => boolean,
          ],
        ]
      : []),
  ];
  try {
    const m = machine();
    console.log(`machine: ${m.cores} × ${m.cpu}, Node ${m.node}, load average ${m.load}`);
    console.log(`TTFT, ms (open loop, ${seconds} s per target and rate; upstream latency 20 ms)`);
    if (!peer) console.log(`Portkey skipped: ${peerProblem}`);
    for (const rate of rates) {
      const runs = new Map<string, TtftRun>();
      for (const [name, target, first] of targets) {
        await measureTtft(target, rate, 1, first); // warm-up
        runs.set(name, await measureTtft(target, rate, seconds, first));
      }
      const direct = runs.get('direct')!;
      console.log(`\n${rate} req/s`);
      console.log('| target | ok | errors | p50 | p90 | p99 | overhead p50 | overhead p99 |');
      console.log('|---|---|---|---|---|---|---|---|');
      for (const [name, r] of runs) {
        const over = (p: 'p50' | 'p99') =>
          name === 'direct' ? '—' : ms(r.ttft[p] - direct.ttft[p]);
        console.log(
          `| ${name} | ${r.ok} | ${r.errors} | ${ms(r.ttft.p50)} | ${ms(r.ttft.p90)} | ` +
            `${ms(r.ttft.p99)} | ${over('p50')} | ${over('p99')} |`,
        );
      }
    }
  } finally {
    await peer?.stop();
    await memory?.stop();
    await service.stop();
    await fake.stop();
    await db.drop();
  }
};

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
