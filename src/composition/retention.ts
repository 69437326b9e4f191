import { KnexRetention, UsageProjector, type RetentionReport } from '../adapters/persistence';
import { SystemClock } from '../adapters/system/system-clock';
import { loadConfig } from './config';
import { openDatabase } from './database';
import { Lifecycle } from './lifecycle';
import { createLogger } from './logger';

const HELP = `npm run retention -- [--as-of ISO] [--dry-run] [--config path]

Runs one retention pass now: makes the partitions of the days ahead, and when
retention.calls_days is set, archives (retention.archive_dir) and drops every whole day
older than that, keeping its usage; prunes open intents and stopped instances' leases of
the days dropped. One pass at a time: a pass already running elsewhere makes this one a no-op.

  --as-of ISO   the present the pass stands for (default: now)
  --dry-run     says what the pass would do, and changes nothing
  --config path the configuration file (else CONFIG_PATH, else ./config.yaml)
`;

/** The command line, parsed; a string when it is wrong (the message to print). */
export const parseRetentionArgs = (
  argv: readonly string[],
): { asOf?: number; dryRun: boolean; config?: string; help: boolean } | string => {
  const out: { asOf?: number; dryRun: boolean; config?: string; help: boolean } = {
    dryRun: false,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') out.help = true;
    else if (a === '--dry-run') out.dryRun = true;
    else if (a === '--as-of' || a === '--config') {
      const v = argv[++i];
      if (v === undefined) return `${a} needs a value`;
      if (a === '--config') out.config = v;
      else {
        const t = Date.parse(v);
        if (Number.isNaN(t)) return `--as-of must be an ISO-8601 time, got ${v}`;
        out.asOf = t;
      }
    } else return `unknown argument ${a}`;
  }
  return out;
};

const describe = (r: RetentionReport): string => {
  if (!r.ran) return 'another retention pass is running: nothing done\n';
  const lines = [
    `${r.dryRun ? 'dry run: would ' : ''}retention as of ${r.asOf}`,
    `partitions ${r.dryRun ? 'to make' : 'made'}: ${r.created.length === 0 ? 'none' : r.created.join(', ')}`,
    ...r.dropped.map(
      (d) =>
        `day ${d.from.slice(0, 10)} ${r.dryRun ? 'to drop' : 'dropped'}: ${d.callRows} records, ${d.eventRows} events${d.archived.length > 0 ? `, archived to ${d.archived.map((a) => a.file).join(', ')}` : ''}`,
    ),
    ...r.skipped.map((s) => `day ${s.from.slice(0, 10)} left for a later pass: ${s.reason}`),
    `calls kept from: ${r.boundary ?? 'the beginning'}; open intents pruned: ${r.intentsPruned}`,
    `records whose answer text ${r.dryRun ? 'would be' : 'was'} cleared: ${r.textsCleared}`,
  ];
  return `${lines.join('\n')}\n`;
};

/** `npm run retention`: one retention pass over the configured database. */
const main = async (): Promise<void> => {
  const args = parseRetentionArgs(process.argv.slice(2));
  if (typeof args === 'string') {
    process.stderr.write(`${args}\n\n${HELP}`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(HELP);
    return;
  }
  const loaded = loadConfig({ path: args.config });
  if (loaded.isErr()) throw new Error(loaded.error.message);
  const config = loaded.value;
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const lifecycle = new Lifecycle();
  try {
    const { knex } = await openDatabase(config, logger, lifecycle);
    const clock = new SystemClock();
    const projector = new UsageProjector(knex, { clock, log: logger });
    const retention = new KnexRetention(knex, config.retention, async () => {
      // Catch the usage projection up (or let the service's projector, which leads, do it).
      for (let i = 0; i < 1000; i++) {
        const s = await projector.step();
        if (!s.ran || s.caughtUp) break;
      }
    });
    try {
      const report = await retention.run({ asOf: args.asOf ?? clock.now(), dryRun: args.dryRun });
      process.stdout.write(describe(report));
    } finally {
      await projector.stop();
    }
  } finally {
    await lifecycle.close((name, e) => logger.error({ err: e }, `closing ${name} failed`));
  }
};

if (require.main === module)
  main().catch((e: unknown) => {
    process.stderr.write(`retention failed: ${e instanceof Error ? e.message : e}\n`);
    process.exit(1);
  });
