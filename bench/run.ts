import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildService } from './lib/build';
import type { Child } from './lib/children';
import { benchDatabase, type BenchDatabase } from './lib/database';
import { verdicts } from './lib/goals';
import { ensurePeer, PEER, startPeer } from './lib/peer';
import { machine } from './lib/proc';
import { rateTable, ratioTable, saturationTable, table, type Row } from './lib/report';
import { runPlan, type Plan, type Subject } from './lib/scenarios';
import * as stack from './lib/stack';

/**
 * `npm run bench [-- --quick] [--no-peer] [--out report.md] [--keep] [--profile DIR]`: the fake OpenRouter, the
 * service (its own process, every call logged to PostgreSQL) and Portkey's gateway, measured
 * with the same load in one run. See docs/benchmarks.md for what the numbers mean.
 */
const PLANS: Record<'quick' | 'full', Plan> = {
  quick: {
    rates: [200, 500, 1000],
    warmSeconds: 1,
    rateSeconds: 2,
    saturationSeconds: 3,
    saturationConnections: 128,
  },
  full: {
    rates: [200, 500, 1000],
    warmSeconds: 5,
    rateSeconds: 15,
    saturationSeconds: 15,
    saturationConnections: 128,
  },
};

const ROOT = resolve(__dirname, '..');
const say = (line = ''): void => void process.stdout.write(`${line}\n`);

const main = async (): Promise<void> => {
  const { values: opts } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      'no-peer': { type: 'boolean', default: false },
      out: { type: 'string' },
      keep: { type: 'boolean', default: false },
      profile: { type: 'string' },
    },
  });
  const mode = opts.quick ? 'quick' : 'full';
  const plan = PLANS[mode];
  const began = Date.now();
  const tmp = mkdtempSync(join(tmpdir(), 'headspace-bench-'));
  const children: Child[] = [];
  let db: BenchDatabase | undefined;
  const cleanup = async () => {
    for (const c of children.reverse()) await c.stop().catch(() => undefined);
    await db?.drop().catch((e: unknown) => say(`could not drop the bench database: ${String(e)}`));
    if (!opts.keep) rmSync(tmp, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    const m0 = machine();
    say(`# npm run bench (${mode})\n`);
    say(`machine: ${m0.cores} × ${m0.cpu}, Node ${m0.node}, load average ${m0.load} at start`);
    const peerReady = opts['no-peer'] ? Promise.resolve('skipped (--no-peer)') : ensurePeer(ROOT);
    const mainJs = buildService(ROOT);
    db = await benchDatabase();
    say(`database: ${db.source}`);
    const fake = await stack.startFake(ROOT, tmp);
    children.push(fake);
    const svc = (name: string, cache: boolean) =>
      stack.startService({
        name,
        main: mainJs,
        tmp,
        databaseUrl: db!.url,
        upstream: fake.baseUrl,
        cache,
        ...(opts.profile
          ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${resolve(opts.profile)}`] }
          : {}),
      });
    const [ours, oursCached] = await Promise.all([
      svc('service', false),
      svc('service-cached', true),
    ]);
    children.push(ours, oursCached);
    let peerProblem = await peerReady;
    const peer =
      peerProblem === null
        ? await startPeer(ROOT, tmp).catch((e: unknown) => {
            peerProblem = `${PEER} did not start: ${String(e)}`;
            return undefined;
          })
        : undefined;
    if (peer) children.push(peer);
    say(
      `peer: ${peer ? `${PEER} on port ${peer.port} (--headless)` : `not measured — ${peerProblem}`}`,
    );
    say(
      `upstream: fake OpenRouter, ${stack.UPSTREAM_LATENCY_MS} ms per reply; log level ${process.env.LOG_LEVEL ?? 'info'}\n`,
    );

    const subjects: Subject[] = [
      { through: 'direct', target: stack.directTarget(fake.baseUrl), pid: fake.pid },
      {
        through: 'ours',
        target: stack.serviceTarget(ours.url),
        pid: ours.pid,
        countCalls: db.countCalls,
      },
      ...(peer
        ? [
            {
              through: 'peer' as const,
              target: stack.peerTarget(peer.port, fake.baseUrl),
              pid: peer.pid,
            },
          ]
        : []),
    ];
    const cached: Subject = {
      through: 'ours, cache hits',
      target: stack.serviceTarget(oursCached.url, true),
      pid: oursCached.pid,
      countCalls: db.countCalls,
    };
    const rows = await runPlan(plan, subjects, [cached], say);
    const m1 = machine();
    say();
    say(
      report(
        rows,
        mode,
        m0.load,
        m1.load,
        (Date.now() - began) / 1000,
        peer !== undefined,
        db.source,
      ),
    );
    if (opts.out)
      writeFileSync(
        opts.out,
        report(
          rows,
          mode,
          m0.load,
          m1.load,
          (Date.now() - began) / 1000,
          peer !== undefined,
          db.source,
        ),
      );
  } finally {
    await cleanup();
  }
};

const report = (
  rows: Row[],
  mode: string,
  load0: string,
  load1: string,
  seconds: number,
  peer: boolean,
  database: string,
): string => {
  const m = machine();
  return [
    `## Run: ${mode}, ${m.cores} × ${m.cpu}, Node ${m.node}`,
    '',
    `Load average ${load0} at start, ${load1} at end; ${Math.round(seconds)} s in all. Database: ${database}.`,
    '',
    '### Paced runs (overhead = latency through − latency direct, same percentile, same rate)',
    '',
    rateTable(rows),
    '',
    '### Saturation',
    '',
    saturationTable(rows),
    '',
    ...(peer ? ["### Our overhead ÷ the peer's", '', ratioTable(rows), ''] : []),
    '### Targets',
    '',
    table(
      ['target', 'measured', 'met'],
      verdicts(rows).map((v) => [
        v.goal,
        v.measured,
        v.met === null ? '–' : v.met ? 'yes' : '**no**',
      ]),
    ),
    '',
  ].join('\n');
};

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(
      `bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    process.exit(1);
  },
);
