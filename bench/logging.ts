import type { Knex } from 'knex';
import { KnexCallLog } from '../src/adapters/persistence';
import { appendEvents } from '../src/adapters/persistence/append/append-statement';
import { SystemClock } from '../src/adapters/system/system-clock';
import type { InferenceEvent } from '../src/domain';
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
 * `npm run bench:logging`: calls appended per second to PostgreSQL with group commit (the call
 * log as the service runs it) against one transaction per call, at several numbers of calls in
 * flight. Every append is durable when it resolves (synchronous_commit as the server has it).
 */
const silent = { info: () => {}, warn: () => {}, error: () => {} };
const r = prng(7);
const liveCall = (): InferenceEvent => syntheticCall(r, Date.now());

const commits = async (knex: Knex): Promise<number> =>
  Number(
    (await knex.raw('SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()'))
      .rows[0].xact_commit,
  );

const run = async (
  knex: Knex,
  name: string,
  n: number,
  concurrency: number,
  append: (e: InferenceEvent) => Promise<void>,
): Promise<string> => {
  const events = Array.from({ length: n }, liveCall);
  const latencies: number[] = [];
  const before = await commits(knex);
  const t0 = performance.now();
  await closedLoop(n, concurrency, async (i) => {
    const t = performance.now();
    await append(events[i]!);
    latencies.push(performance.now() - t);
  });
  const secs = (performance.now() - t0) / 1000;
  await new Promise((res) => setTimeout(res, 600)); // statistics are flushed lazily
  const txs = Math.max(1, (await commits(knex)) - before - 2);
  return `| ${name} | ${concurrency} | ${n.toLocaleString('en-US')} | ${Math.round(n / secs).toLocaleString('en-US')} | ${(n / txs).toFixed(0)} | ${ms(quantile(latencies, 0.5))} | ${ms(quantile(latencies, 0.99))} |`;
};

const main = async (): Promise<void> => {
  const db = await freshDatabase('headspace_bench_logging', 10);
  console.log(`# logging bench in ${db.url}`);
  console.log(`server: ${await serverSettings(db.knex)}\n`);
  console.log('| mode | calls in flight | calls | calls/s | calls per commit | p50 ms | p99 ms |');
  console.log('|---|---|---|---|---|---|---|');
  for (const c of [1, 16, 256, 4096]) {
    const log = new KnexCallLog(db.serviceKnex, { clock: new SystemClock(), log: silent });
    console.log(
      await run(
        db.knex,
        'group commit',
        c === 1 ? 2000 : 40_000,
        c,
        async (e) => void (await log.append([e])),
      ),
    );
    await log.close();
  }
  for (const c of [1, 10]) {
    // One statement per call, prepared, as the call log writes a batch.
    const one = (e: InferenceEvent) => appendEvents(db.serviceKnex, [e], 15_000);
    console.log(await run(db.knex, 'one transaction per call', c === 1 ? 2000 : 10_000, c, one));
  }
  await db.drop();
};

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
