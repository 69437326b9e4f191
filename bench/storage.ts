import { loadavg } from 'node:os';
import type { Knex } from 'knex';
import {
  KnexCallLog,
  KnexCallRecords,
  KnexRetention,
  KnexUsageReadModel,
} from '../src/adapters/persistence';
import { CHECKPOINT_AT_END_SQL } from '../src/adapters/persistence/projector/projector-sql';
import { ensurePartitions } from '../src/adapters/persistence/retention/partitions';
import { COUNTERS } from '../src/adapters/persistence/projections/usage-counter-columns';
import { GRAINS, HOUR_ALL_PROJECTS } from '../src/adapters/persistence/read-models/usage-ranges';
import { SystemClock } from '../src/adapters/system/system-clock';
import { freshDatabase, ms, prng, quantile, syntheticCall } from './synthetic-calls';

/**
 * `npm run bench:storage -- [--rows N] [--days D] [--sample N]`: the partitioned call log's
 * storage and speed. Bulk-generates N calls (an intent and a success event each, and a record)
 * in SQL over D days ending today, with their usage aggregates; measures bytes per call with and
 * without answer text (two sample days of `--sample` calls each), append throughput through the
 * real call log, usage, series and calls-page latency; then a retention pass that drops the
 * oldest day while calls are appended at 100/s, with the detach's lock time and the append p99
 * during the pass against the same load before it. Prints the machine's load with the figures.
 */
const DAY = 86_400_000;
const silent = { info: () => {}, warn: () => {}, error: () => {} };

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};

const TEXT = `(SELECT string_agg(md5(random()::text || g), ' ') FROM generate_series(1, 18) g)`;

/** Calls `from`..`from + n` (ordinal), spread over [start, start + span), in one statement. */
const generate = async (
  knex: Knex,
  o: { from: number; n: number; start: number; span: number; text: boolean },
): Promise<void> => {
  const at = `to_timestamp((${o.start} + (i - ${o.from})::float8 * ${o.span} / ${o.n}) / 1000)`;
  const text = o.text ? TEXT : "''";
  await knex.raw(`
    CREATE TEMP TABLE gen AS
    SELECT i, gen_random_uuid() AS call_id, ${at} AS at,
      (ARRAY['turn','task','project','objective'])[1 + i % 4] AS level,
      (ARRAY['anthropic/claude-haiku-4.5','anthropic/claude-sonnet-4.5'])[1 + i % 2] AS model,
      'project-' || (i % 20) AS project_id, ${text} AS text
    FROM generate_series(${o.from}, ${o.from + o.n - 1}) i;
    INSERT INTO inference_events (event_id, type, occurred_at, data, partition_at)
    SELECT gen_random_uuid(), 'InferenceStarted', at - interval '800 ms',
      jsonb_build_object('callId', call_id, 'level', level, 'purpose', 'summarise turn', 'model', model,
        'inputHash', md5(call_id::text) || md5(call_id::text), 'projectId', project_id,
        'agentId', 'agent-1', 'commandId', null, 'turnId', 'turn-9',
        'estimatedCostNanos', 82000000, 'instanceId', 'bench'), at - interval '800 ms'
    FROM gen;
    INSERT INTO inference_events (event_id, type, occurred_at, data, partition_at)
    SELECT gen_random_uuid(), 'InferenceSucceeded', at,
      jsonb_build_object('callId', call_id, 'level', level, 'purpose', 'summarise turn', 'model', model,
        'inputHash', md5(call_id::text) || md5(call_id::text), 'projectId', project_id,
        'agentId', 'agent-1', 'commandId', null, 'turnId', 'turn-9', 'latencyMs', 800,
        'text', text, 'inputTokens', 1200, 'outputTokens', 180, 'costNanos', 2100000,
        'reportedCostNanos', 2100000, 'unpriced', false, 'attempts', 1, 'upstreamId', 'gen-' || i),
      at
    FROM gen;
    INSERT INTO inference_calls (id, created_at, level, purpose, model, status, input_tokens,
      output_tokens, input_hash, result_text, latency_ms, cost_usd, reported_cost_usd, attempts,
      project_id, agent_id, turn_id, upstream_id, finish_reason)
    SELECT call_id, at, level, 'summarise turn', model, 'succeeded', 1200, 180,
      md5(call_id::text) || md5(call_id::text), text, 800, 0.0021, 0.0021, 1, project_id,
      'agent-1', 'turn-9', 'gen-' || i, 'stop'
    FROM gen;
    DROP TABLE gen;`);
};

/** The usage aggregates of every generated record, as the projector would have left them. */
const aggregate = async (knex: Knex): Promise<void> => {
  const c = COUNTERS.map(([, col]) => col);
  const values: Record<string, string> = {
    calls: 'count(*)',
    succeeded_calls: 'count(*)',
    input_tokens: 'sum(input_tokens)',
    output_tokens: 'sum(output_tokens)',
    cost_nanos: 'sum(cost_usd * 1000000000)::bigint',
    reported_cost_nanos: 'sum(reported_cost_usd * 1000000000)::bigint',
    latency_ms_sum: 'sum(latency_ms)',
    latency_calls: 'count(*)',
  };
  for (const g of [...GRAINS, HOUR_ALL_PROJECTS]) {
    const project = g === HOUR_ALL_PROJECTS ? "''" : 'project_id';
    await knex.raw(`
      INSERT INTO ${g.table} (bucket, level, model, project_id, ${c.join(', ')})
      SELECT to_timestamp(floor(extract(epoch FROM created_at) / ${g.ms / 1000}) * ${g.ms / 1000}),
        level, model, ${project}, ${c.map((x) => values[x] ?? '0').join(', ')}
      FROM inference_calls GROUP BY 1, 2, 3, 4`);
  }
  await knex.raw(CHECKPOINT_AT_END_SQL);
};

const bytesOfDay = async (knex: Knex, day: number) => {
  const tag = new Date(day).toISOString().slice(0, 10).replaceAll('-', '');
  const one = async (t: string) =>
    (
      await knex.raw(
        `SELECT pg_relation_size(?) AS heap, pg_indexes_size(?) AS idx,
           pg_total_relation_size(?) - pg_relation_size(?) - pg_indexes_size(?) AS toast`,
        Array(5).fill(`${t}_p${tag}`),
      )
    ).rows[0] as { heap: string; idx: string; toast: string };
  return { events: await one('inference_events'), calls: await one('inference_calls') };
};

const time = async (f: () => Promise<unknown>, runs = 40): Promise<string> => {
  for (let i = 0; i < 3; i++) await f();
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f();
    xs.push(performance.now() - t);
  }
  return `p50 ${ms(quantile(xs, 0.5))} ms, p99 ${ms(quantile(xs, 0.99))} ms`;
};

/** Appends one call at a time at `perSecond` for `durationMs`; the latencies of the appends. */
const paced = async (log: KnexCallLog, perSecond: number, until: () => boolean) => {
  const r = prng(7);
  const lat: number[] = [];
  const inflight: Array<Promise<void>> = [];
  const t0 = performance.now();
  for (let i = 0; !until(); i++) {
    const due = t0 + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((res) => setTimeout(res, wait));
    const s = performance.now();
    inflight.push(
      log.append([syntheticCall(r, Date.now())]).then(() => void lat.push(performance.now() - s)),
    );
  }
  await Promise.all(inflight);
  return lat;
};

const main = async (): Promise<void> => {
  const rows = arg('rows', 1_000_000);
  const days = arg('days', 10);
  const sample = arg('sample', 50_000);
  const today = Math.floor(Date.now() / DAY) * DAY;
  const start = today - days * DAY;
  const db = await freshDatabase('headspace_bench_storage', 10);
  const knex = db.knex;
  const load = () =>
    loadavg()
      .map((x) => x.toFixed(2))
      .join(' ');
  console.log(
    `# storage bench: ${rows.toLocaleString('en-US')} calls over ${days} days; load ${load()}`,
  );
  try {
    await ensurePartitions(
      knex,
      Array.from({ length: days + 12 }, (_, i) => start - 3 * DAY + i * DAY),
    );
    // Bytes per call: one sample day with answer text (~600 characters), one without.
    const withText = start - 2 * DAY;
    const noText = start - 3 * DAY;
    await generate(knex, { from: 1, n: sample, start: withText, span: DAY - 1000, text: true });
    await generate(knex, { from: 1, n: sample, start: noText, span: DAY - 1000, text: false });
    await knex.raw('VACUUM ANALYZE');
    for (const [name, day] of [
      ['with text', withText],
      ['without text', noText],
    ] as const) {
      const b = await bytesOfDay(knex, day);
      const per = (x: string) => (Number(x) / sample).toFixed(0);
      const total =
        (Number(b.events.heap) +
          Number(b.events.idx) +
          Number(b.events.toast) +
          Number(b.calls.heap) +
          Number(b.calls.idx) +
          Number(b.calls.toast)) /
        sample;
      console.log(
        `bytes per call ${name}: ${total.toFixed(0)} = events heap ${per(b.events.heap)} + toast ${per(b.events.toast)} + indexes ${per(b.events.idx)}; record heap ${per(b.calls.heap)} + toast ${per(b.calls.toast)} + indexes ${per(b.calls.idx)}`,
      );
    }
    const t0 = performance.now();
    const chunk = Math.min(rows, 250_000);
    for (let from = 1; from <= rows; from += chunk) {
      const n = Math.min(chunk, rows - from + 1);
      await generate(knex, {
        from: sample + from,
        n,
        start: start + ((from - 1) / rows) * days * DAY,
        span: (n / rows) * days * DAY,
        text: true,
      });
      process.stderr.write(`  generated ${(from + n - 1).toLocaleString('en-US')}\n`);
    }
    await aggregate(knex);
    await knex.raw('VACUUM ANALYZE');
    console.log(`generated in ${((performance.now() - t0) / 1000).toFixed(0)} s; load ${load()}`);

    const log = new KnexCallLog(db.serviceKnex, { clock: new SystemClock(), log: silent });
    const r = prng(42);
    const n = 20_000;
    const a0 = performance.now();
    const inflight = new Set<Promise<unknown>>();
    for (let i = 0; i < n; i++) {
      const p = log.append([syntheticCall(r, Date.now())]).finally(() => inflight.delete(p));
      inflight.add(p);
      if (inflight.size >= 64) await Promise.race(inflight);
    }
    await Promise.all(inflight);
    console.log(
      `append: ${((n / (performance.now() - a0)) * 1000).toFixed(0)} calls/s (64 in flight); load ${load()}`,
    );

    const usage = new KnexUsageReadModel(db.serviceKnex);
    const records = new KnexCallRecords(db.serviceKnex);
    const end = Date.now();
    console.log(
      `usage, last 30 days: ${await time(() => usage.usage({ since: end - 30 * DAY + 4_321_000, until: end }))}`,
    );
    console.log(`usage, all time: ${await time(() => usage.usage({}))}`);
    console.log(
      `series, by day over ${days} days by model: ${await time(() => usage.series({ since: start, until: today + DAY, grain: 'day', groupBy: 'model' }))}`,
    );
    console.log(`calls page (50, newest): ${await time(() => records.list({ limit: 50 }))}`);
    console.log(
      `calls page (50, one level): ${await time(() => records.list({ limit: 50, level: 'objective' }))}`,
    );

    // A pass dropping the oldest generated day while calls arrive at 100/s.
    let stop = false;
    const before = await (async () => {
      const until = performance.now() + 10_000;
      return paced(log, 100, () => performance.now() > until);
    })();
    const during = paced(log, 100, () => stop);
    const retention = new KnexRetention(db.serviceKnex, { callsDays: days - 1, archiveDir: '' });
    const p0 = performance.now();
    const report = await retention.run({ asOf: Date.now() });
    const passMs = performance.now() - p0;
    await new Promise((res) => setTimeout(res, 2000));
    stop = true;
    const lat = await during;
    for (const d of report.dropped)
      console.log(
        `dropped ${d.from.slice(0, 10)}: ${d.callRows.toLocaleString('en-US')} records, ${d.eventRows.toLocaleString('en-US')} events; detach lock ${ms(d.lockMs)} ms`,
      );
    console.log(
      `pass ${(passMs / 1000).toFixed(1)} s; appends at 100/s before: p50 ${ms(quantile(before, 0.5))} p99 ${ms(quantile(before, 0.99))} ms; during: p50 ${ms(quantile(lat, 0.5))} p99 ${ms(quantile(lat, 0.99))} max ${ms(Math.max(...lat))} ms; load ${load()}`,
    );
    await log.close();
  } finally {
    await db.drop();
  }
};

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
