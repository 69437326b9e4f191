import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Child } from './lib/children';
import type { BenchDatabase } from './lib/database';
import { machine } from './lib/proc';
import { runPlan, type Plan } from './lib/scenarios';
import { setUp } from './lib/setup';
import { UPSTREAM_LATENCY_MS } from './lib/stack';
import { summary } from './lib/summary';

const USAGE = `npm run bench -- [--quick] [--no-peer] [--out report.md] [--json rows.json]
                    [--async-commit | --memory] [--profile DIR] [--service-src DIR]
                    [--before-src DIR] [--before-first] [--tracing] [--key] [--bursts] [--keep]

  --quick          about a minute, for development (default: the full run for docs/benchmarks.md)
  --ab             about four minutes, for an A/B of one setting (--tracing, --key) against this
                   same checkout as --before-src: serial 5 s, 500 req/s for 15 s, saturation 10 s
  --no-peer        skip Portkey's gateway (otherwise installed into bench/peers/portkey if missing)
  --out FILE       also write the markdown report to FILE; --json FILE: the raw rows
  --async-commit   synchronous_commit = off on the bench database (what the fsync wait costs)
  --memory         the service keeps its call log in memory (what PostgreSQL costs, by difference)
  --profile DIR    run the service processes with --cpu-prof, profiles written to DIR
  --service-src D  take the service's src/ and migrations/ from checkout D (A/B comparisons)
  --before-src D   also measure checkout D (an older version, on these node_modules) as
                   \`before\`: its own build, two processes (cache off, cache on) and its own
                   database migrated with D's migrations; before and after side by side
  --before-first   measure before's processes ahead of this checkout's at every step (the side
                   measured first pays for the database's background work: run an A/B both
                   ways and take the mean of the two differences)
  --tracing        this checkout's service exports traces (OTLP/HTTP protobuf) to a local sink
                   in a process of its own; with --before-src pointing at this same checkout,
                   \`before\` is tracing off and the rest tracing on, side by side
  --key            this checkout's service runs with a token and is called with a consumer key
                   it issued (scopes infer, read); with --before-src of this same checkout,
                   \`before\` is open on loopback (no key) and the rest verify a key per call
  --lanes N        database.commit_lanes of this checkout's service (group-commit batches in flight)
  --bursts         pace the rates with autocannon's overallRate (each connection's share of a
                   second sent back to back), as before; default: open-loop, evenly spaced
  --keep           keep the temporary directory (configs, service logs)
`;

const PLANS: Record<'quick' | 'ab' | 'full', Plan> = {
  quick: {
    rates: [200, 500, 1000],
    warmSeconds: 0.5,
    serialSeconds: 1,
    rateSeconds: 1,
    saturationSeconds: 2,
    saturationConnections: 128,
    pacing: 'open',
  },
  ab: {
    rates: [500],
    warmSeconds: 3,
    serialSeconds: 5,
    rateSeconds: 15,
    saturationSeconds: 10,
    saturationConnections: 128,
    pacing: 'open',
  },
  full: {
    rates: [200, 500, 1000],
    warmSeconds: 5,
    serialSeconds: 10,
    rateSeconds: 15,
    saturationSeconds: 15,
    saturationConnections: 128,
    pacing: 'open',
  },
};

const ROOT = resolve(__dirname, '..');
const say = (line = ''): void => void process.stdout.write(`${line}\n`);

/**
 * The benchmark: the fake OpenRouter, the service (its own process, every call logged to
 * PostgreSQL) and Portkey's gateway, measured with the same load in one run. What the numbers
 * mean: docs/benchmarks.md.
 */
const main = async (): Promise<void> => {
  const { values: o } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      ab: { type: 'boolean', default: false },
      'no-peer': { type: 'boolean', default: false },
      'async-commit': { type: 'boolean', default: false },
      memory: { type: 'boolean', default: false },
      out: { type: 'string' },
      json: { type: 'string' },
      profile: { type: 'string' },
      'service-src': { type: 'string' },
      lanes: { type: 'string' },
      'before-src': { type: 'string' },
      bursts: { type: 'boolean', default: false },
      tracing: { type: 'boolean', default: false },
      key: { type: 'boolean', default: false },
      'before-first': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (o.help) return say(USAGE);
  const mode = o.quick ? 'quick' : o.ab ? 'ab' : 'full';
  const began = Date.now();
  const tmp = mkdtempSync(join(tmpdir(), 'headspace-bench-'));
  const children: Child[] = [];
  const dbs: BenchDatabase[] = [];
  const cleanup = async () => {
    for (const c of children.splice(0).reverse()) await c.stop().catch(() => undefined);
    for (const db of dbs.splice(0).reverse()) {
      await db.drop().catch((e: unknown) => say(`could not drop a bench database: ${String(e)}`));
    }
    if (!o.keep) rmSync(tmp, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    const m0 = machine();
    say(`# npm run bench (${mode})\n`);
    say(`machine: ${m0.cores} × ${m0.cpu}, Node ${m0.node}, load average ${m0.load}`);
    const setup = await setUp({
      root: ROOT,
      ...(o['service-src'] ? { serviceSource: resolve(o['service-src']) } : {}),
      ...(o['before-src'] ? { beforeSource: resolve(o['before-src']) } : {}),
      tmp,
      peer: !o['no-peer'],
      nodeArgs: o.profile ? ['--cpu-prof', `--cpu-prof-dir=${resolve(o.profile)}`] : [],
      asyncCommit: o['async-commit'],
      memory: o.memory,
      children,
      onDatabase: (d) => void dbs.push(d),
      ...(o.lanes ? { database: { commit_lanes: Number(o.lanes) } } : {}),
      tracing: o.tracing,
      key: o.key,
      beforeFirst: o['before-first'],
    });
    say(`database: ${setup.database}\npeer: ${setup.peer}`);
    if (setup.before) say(`before: ${setup.before}`);
    const logLevel = process.env.LOG_LEVEL ?? 'info';
    say(
      `upstream: fake OpenRouter, ${UPSTREAM_LATENCY_MS} ms per reply; service log level ${logLevel}\n`,
    );
    const plan = { ...PLANS[mode], pacing: o.bursts ? ('bursts' as const) : ('open' as const) };
    const rows = await runPlan(plan, setup.subjects, setup.cached, say);
    const traces = await setup.traces?.();
    const report = summary(rows, {
      mode,
      loadAtStart: m0.load,
      loadAtEnd: machine().load,
      seconds: (Date.now() - began) / 1000,
      database: setup.database,
      peer: setup.peer,
      ...(setup.before ? { before: setup.before } : {}),
      notes: [
        `Service log level: ${logLevel} (one access line per request, carrying its call, to a file).`,
        ...(o.key
          ? ['This checkout is called with a consumer key (Authorization: Bearer hsk_…).']
          : []),
        ...(traces
          ? [
              `Tracing on in this checkout's service: the OTLP sink received ${traces.spans} spans ` +
                `in ${traces.requests} exports (${(traces.bytes / 1e6).toFixed(1)} MB).`,
            ]
          : []),
      ],
    });
    say(`\n${report}`);
    if (o.out) writeFileSync(o.out, report);
    if (o.json) writeFileSync(o.json, `${JSON.stringify(rows, null, 2)}\n`);
  } finally {
    await cleanup();
    if (o.profile) say(`CPU profiles of the service processes: ${resolve(o.profile)}`);
    if (o.keep) say(`configs and service logs kept in ${tmp}`);
  }
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
