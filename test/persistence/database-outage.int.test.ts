import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { createKnex, KnexUsageReadModel, PROJECTION_TABLES } from '../../src/adapters/persistence';
import { calls, serviceOn, StoppableDatabase } from './outage-harness';

jest.setTimeout(120_000);

/** What the records say, per call id and in total, straight from `inference_calls`. */
const recorded = async (knex: Knex) => {
  const rows: Array<{ id: string; n: string }> = await knex('inference_calls')
    .select('id')
    .count('* as n')
    .groupBy('id');
  const totals = await knex('inference_calls')
    .select(
      knex.raw('count(*)::int AS calls'),
      knex.raw('sum(input_tokens)::int AS input_tokens'),
      knex.raw('sum(output_tokens)::int AS output_tokens'),
      knex.raw('sum(cost_usd)::text AS cost_usd'),
    )
    .first();
  return { perCall: new Map(rows.map((r) => [r.id, Number(r.n)])), totals };
};

describe('PostgreSQL stopped in the middle of a stream of calls', () => {
  let db: StoppableDatabase;
  let knex: Knex;
  beforeAll(async () => {
    db = await StoppableDatabase.start();
    knex = createKnex(db.url);
  });
  afterAll(async () => {
    await knex?.destroy();
    await db?.destroy();
  });
  beforeEach(() => db.restart());

  it('leaves every answered call exactly one record, and usage equal to the records', async () => {
    const { svc, lines } = await serviceOn(db);
    const answered: string[] = [];
    const before = await calls(svc, 40, 'before');
    answered.push(...before.answered);
    // Stop the server while a burst is being written.
    const burst = calls(svc, 30, 'during');
    await db.stop();
    answered.push(...(await burst).answered);
    const down = await calls(svc, 30, 'down');
    answered.push(...down.answered);
    const status = await svc.status();
    expect(status.logging.backlog).toBeGreaterThan(0);
    expect(status.logging.lastError).not.toBeNull();
    expect(lines.some((l) => l.level === 40 && /database unreachable/.test(l.msg))).toBe(true);
    await db.restart();
    answered.push(...(await calls(svc, 20, 'after')).answered);
    await svc.close(); // flushes the backlog into the restarted server

    expect([before, down].flatMap((r) => r.refused)).toEqual([]);
    expect(answered).toHaveLength(120);
    const { perCall, totals } = await recorded(knex);
    expect(perCall.size).toBe(120);
    for (const id of answered) expect(perCall.get(id)).toBe(1);
    const usage = await new KnexUsageReadModel(knex).usage({});
    expect(usage.totalCalls).toBe(totals.calls);
    expect(usage.succeededCalls).toBe(120);
    expect(usage.inputTokens).toBe(totals.input_tokens);
    expect(usage.outputTokens).toBe(totals.output_tokens);
    expect(usage.costUsd).toBe(Number(totals.cost_usd));
    expect(await readFile(join(db.dir, 'data', 'call-log-backlog.jsonl'), 'utf8')).toBe('');
    await knex.raw(`TRUNCATE ${PROJECTION_TABLES.join(', ')}`); // the log stays: appends are idempotent and later tests count calls only
  });

  it('refuses new calls with 503 unavailable once the backlog is full, and serves again after', async () => {
    const { svc } = await serviceOn(db, { max_backlog: 5 });
    await db.stop();
    const down = await calls(svc, 5, 'fill');
    expect(down.answered).toHaveLength(5);
    const status = await svc.status();
    expect(status.enabled).toBe(false);
    expect(status.degradedReason).toMatch(/backlog is full/);
    const refused = await svc.infer({ level: 'turn', purpose: 'refused', input: 'x' });
    expect(refused.isErr() && refused.error.code).toBe('unavailable');
    await db.restart();
    await svc.close();
    const { perCall } = await recorded(knex);
    for (const id of down.answered) expect(perCall.get(id)).toBe(1);
    await knex.raw(`TRUNCATE ${PROJECTION_TABLES.join(', ')}`);
  });

  it('keeps a backlog across a service restart while the database is down', async () => {
    const first = await serviceOn(db, {}, 0);
    await db.stop();
    const down = await calls(first.svc, 10, 'restart');
    expect(down.answered).toHaveLength(10);
    await first.svc.close(); // the database is still down: the backlog stays on disk
    expect(
      first.lines.some((l) => l.level === 50 && /stay in .*for the next start/.test(l.msg)),
    ).toBe(true);
    await db.restart();
    const second = await serviceOn(db);
    await second.svc.close();
    const { perCall } = await recorded(knex);
    expect(perCall.size).toBe(10);
    for (const id of down.answered) expect(perCall.get(id)).toBe(1);
  });
});
