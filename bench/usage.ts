import { isDeepStrictEqual } from 'node:util';
import { KnexCallLog, KnexUsageReadModel, UsageProjector } from '../src/adapters/persistence';
import { SystemClock } from '../src/adapters/system/system-clock';
import { seriesReport, seriesWindow, type SeriesQuery, type UsageQuery } from '../src/domain';
import { dashboardFirstRender, renderSummary } from './dashboard-render';
import { groupBy } from './usage-group-by';
import {
  closedLoop,
  freshDatabase,
  ms,
  prng,
  quantile,
  serverSettings,
  syntheticCall,
} from './synthetic-calls';

/**
 * `npm run bench:usage [-- calls] [--keep] [--reuse]`: loads synthetic calls (default 1,000,000, over
 * 90 days, in time order) through the real call log, then answers the same usage queries two ways in one run: from the
 * projections (what the service does) and by GROUP BY over `inference_calls` (what it avoids),
 * and checks that both give the same numbers.
 */
const END = Date.UTC(2026, 3, 1, 13, 37, 12);
const DAY = 86_400_000;
const RUNS = 30;
const START = END - 90 * DAY;
const silent = { info: () => {}, warn: () => {}, error: () => {} };

const QUERIES: Array<[string, UsageQuery]> = [
  ['all time, no filter', {}],
  ['last 30 days (ragged ends)', { since: END - 30 * DAY + 4_321_000, until: END }],
  ['last 24 hours', { since: END - DAY, until: END }],
  ['one project, all time', { projectId: 'project-7' }],
  ['one level, last 7 days', { since: END - 7 * DAY, until: END, level: 'objective' }],
];

const time = async (f: () => Promise<unknown>, runs: number): Promise<number[]> => {
  for (let i = 0; i < 3; i++) await f();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f();
    out.push(performance.now() - t);
  }
  return out;
};

const main = async (): Promise<void> => {
  const n = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
  const reuse = process.argv.includes('--reuse');
  const db = await freshDatabase('headspace_bench_usage', 10, reuse);
  console.log(`# usage bench: ${n.toLocaleString('en-US')} calls over 90 days in ${db.url}`);
  console.log(`server: ${await serverSettings(db.knex)}`);
  const log = new KnexCallLog(db.serviceKnex, { clock: new SystemClock(), log: silent });
  const r = prng(42);
  const t0 = performance.now();
  await closedLoop(reuse ? 0 : n, 4000, (i) => {
    if (i % 100_000 === 0 && i > 0) process.stderr.write(`  loaded ${i.toLocaleString('en-US')}\n`);
    // Calls arrive in time order, as they do in service: the i-th of n at its share of 90 days.
    return log
      .append([syntheticCall(r, START + Math.floor((i * 90 * DAY) / n))])
      .then(() => undefined);
  });
  await log.close();
  // Usage is projected after the commits, as in the service: project everything loaded.
  const projector = new UsageProjector(db.serviceKnex, { clock: new SystemClock(), log: silent });
  for (let s = await projector.step(); !s.caughtUp; s = await projector.step());
  await projector.stop();
  const loadSecs = (performance.now() - t0) / 1000;
  await db.knex.raw('VACUUM ANALYZE');
  const sizes = await db.knex.raw(
    `SELECT (SELECT count(*) FROM inference_calls)::int AS calls,
       (SELECT count(*) FROM usage_minute)::int AS usage_minute,
       (SELECT count(*) FROM usage_hour)::int AS usage_hour,
       (SELECT count(*) FROM usage_day)::int AS usage_day,
       (SELECT count(*) FROM usage_week)::int AS usage_week`,
  );
  console.log(
    `loaded in ${loadSecs.toFixed(1)} s (${Math.round(n / loadSecs).toLocaleString('en-US')} calls/s); ` +
      `rows: ${JSON.stringify(sizes.rows[0])}\n`,
  );

  const model = new KnexUsageReadModel(db.serviceKnex);
  console.log(
    '| query | projections p50 (p95) ms | GROUP BY p50 (p95) ms | × faster | same numbers |',
  );
  console.log('|---|---|---|---|---|');
  for (const [name, q] of QUERIES) {
    const fast = await time(() => model.usage(q), RUNS);
    const slow = await time(() => groupBy(db.knex, q), 10);
    const a = await model.usage(q);
    const b = await groupBy(db.knex, q);
    const same = isDeepStrictEqual({ ...a, savedByCacheUsd: 0 }, b);
    const [f50, s50] = [quantile(fast, 0.5), quantile(slow, 0.5)];
    console.log(
      `| ${name} | ${ms(f50)} (${ms(quantile(fast, 0.95))}) | ${ms(s50)} (${ms(quantile(slow, 0.95))}) | ${Math.round(s50 / f50)} | ${same ? 'yes' : 'NO'} (${a.totalCalls.toLocaleString('en-US')} calls) |`,
    );
  }
  await seriesBench(model, db.url);
  if (!process.argv.includes('--keep')) await db.drop();
  else await Promise.all([db.knex.destroy(), db.serviceKnex.destroy()]);
};

/** The usage series over the last 30 days by hour, and the dashboard's first render over them. */
const seriesBench = async (model: KnexUsageReadModel, url: string): Promise<void> => {
  const q: SeriesQuery = { ...seriesWindow(END - 30 * DAY, END, 'hour'), grain: 'hour' };
  const answer = async () => seriesReport(await model.series(q), q);
  for (const [name, extra] of [
    ['30 days by hour', {}],
    ['30 days by hour, by model', { groupBy: 'model' }],
    ['30 days by hour, by status', { groupBy: 'status' }],
  ] as const) {
    const qq = { ...q, ...extra };
    const t = await time(async () => seriesReport(await model.series(qq), qq), RUNS);
    console.log(
      `| series: ${name} | ${ms(quantile(t, 0.5))} (${ms(quantile(t, 0.95))}) | target ≤ 20 ms |`,
    );
  }
  const r = await answer();
  const u = await model.usage({ since: q.since, until: q.until });
  const calls = r.series[0]!.points.reduce((a, p) => a + p.calls, 0);
  console.log(
    `series: ${r.series[0]!.points.length} points, ${calls.toLocaleString('en-US')} calls; /usage for the window: ${u.totalCalls.toLocaleString('en-US')} (${calls === u.totalCalls ? 'same' : 'DIFFERENT'})`,
  );
  const render = await dashboardFirstRender(url, { since: q.since, until: q.until, grain: 'hour' });
  console.log(
    `dashboard first render, 30 days by hour: ${renderSummary(render)} (target ≤ 1000 ms)`,
  );
};

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
