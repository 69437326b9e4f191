import type { Knex } from 'knex';
import { Client } from 'pg';
import {
  createKnex,
  KnexUsageReadModel,
  migrateLatest,
  rebuildProjections,
  UsageProjector,
} from '../../src/adapters/persistence';
import { migrationConfig } from '../../src/adapters/persistence/database';
import { appendEvents } from '../../src/adapters/persistence/append/append-statement';
import { appendStatementFor } from '../../src/adapters/persistence/projections/projection-sql';
import { projectionPayload } from '../../src/adapters/persistence/projections/rows';
import {
  APPLY_BATCH_SQL,
  PROJECTOR_LOCK,
} from '../../src/adapters/persistence/projector/projector-sql';
import { SystemClock } from '../../src/adapters/system/system-clock';
import type { CallLogEvent } from '../../src/domain';
import { failed, MIN, succeeded, T0 } from '../contracts/fixtures';
import { projectUsage } from '../support/project-usage';
import { useTestDatabase } from '../support/test-database';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const ALL = { since: T0 - 60 * MIN, until: T0 + 600 * MIN };

const usageRows = async (knex: Knex) =>
  (await knex.raw('SELECT * FROM usage_minute ORDER BY bucket, level, model, project_id')).rows;

/** Appends `events` in a transaction of its own on `client`, left open until `commit()`. */
const openAppend = async (url: string, events: readonly CallLogEvent[]) => {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  await client.query({ text: appendStatementFor(events).sql, values: [projectionPayload(events)] });
  return {
    commit: async () => {
      await client.query('COMMIT');
      await client.end();
    },
  };
};

describe('the usage projector', () => {
  const database = useTestDatabase();
  beforeEach(() => database().reset());

  it('never skips a transaction that commits after a later one', async () => {
    const { knex, url } = database();
    const early = succeeded({ at: T0, costNanos: 1_000 });
    const late = succeeded({ at: T0, costNanos: 20_000 });
    // `early` takes its transaction id and position first, `late` commits first.
    const a = await openAppend(url, [early]);
    const b = await openAppend(url, [late]);
    await b.commit();
    const model = new KnexUsageReadModel(knex);
    const projector = new UsageProjector(knex, { clock: new SystemClock(), log: quiet });
    // `late` is committed but behind a running transaction: not read yet, so not skipped.
    expect(await projector.step()).toEqual({ passed: 0, caughtUp: true, ran: true });
    await projector.stop();
    expect((await model.usage(ALL)).totalCalls).toBe(0);
    // And a read that began after `late` committed says the aggregates lag.
    expect(await model.caughtUp(50)).not.toBeNull();
    await a.commit();
    await projectUsage(knex);
    const u = await model.usage(ALL);
    expect(u.totalCalls).toBe(2);
    expect(u.costUsd).toBeCloseTo(21_000 / 1e9, 12);
    // And nothing twice: another pass finds nothing new.
    expect(await projectUsage(knex)).toBe(0);
    expect((await model.usage(ALL)).totalCalls).toBe(2);
  });

  it("applies each event exactly once with two instances' projectors running against concurrent appends", async () => {
    const { knex, url } = database();
    const other = createKnex(url, { poolMax: 3 });
    const clock = new SystemClock();
    const projectors = [knex, other].map(
      (k) => new UsageProjector(k, { clock, log: quiet, delayMs: 1, pollMs: 5, batchSize: 7 }),
    );
    projectors.forEach((p) => p.start());
    try {
      const events = Array.from({ length: 300 }, (_, i) =>
        i % 4 === 0
          ? failed({ at: T0 + (i % 7) * MIN })
          : succeeded({ at: T0 + (i % 7) * MIN, costNanos: 1_000 + i }),
      );
      // Twenty writers, each appending its share one event at a time, kicking both projectors.
      await Promise.all(
        Array.from({ length: 20 }, async (_, w) => {
          for (let i = w; i < events.length; i += 20) {
            await appendEvents(w % 2 ? knex : other, [events[i]!], 10_000);
            projectors[w % 2]!.kick();
          }
        }),
      );
      await Promise.all(projectors.map((p) => p.nextStep()));
      const model = new KnexUsageReadModel(knex, projectors[0]!);
      expect(await model.caughtUp(5_000)).toBeNull();
      const u = await model.usage(ALL);
      expect(u.totalCalls).toBe(300);
      const cost = events.reduce(
        (s, e) => s + ((e.data as { costNanos?: number }).costNanos ?? 0),
        0,
      );
      expect(Math.round(u.costUsd * 1e9)).toBe(cost);
      // The same as a rebuild from the log.
      const live = await usageRows(knex);
      await rebuildProjections(knex);
      expect(await usageRows(knex)).toEqual(live);
    } finally {
      await Promise.all(projectors.map((p) => p.stop()));
      await other.destroy();
    }
  });

  it('applies a batch once when two apply it from the same checkpoint', async () => {
    const { knex } = database();
    await appendEvents(knex, [succeeded({ at: T0, costNanos: 5 })], 10_000);
    await projectUsage(knex); // the checkpoint is now at that event
    const e = succeeded({ at: T0, costNanos: 7 });
    await appendEvents(knex, [e], 10_000);
    const cp = (
      await knex.raw('SELECT transaction_id::text AS x, position FROM projection_checkpoints')
    ).rows[0] as { x: string; position: string };
    const ev = (
      await knex.raw(
        'SELECT transaction_id::text AS x, position FROM inference_events ORDER BY position DESC LIMIT 1',
      )
    ).rows[0] as { x: string; position: string };
    const rows = JSON.stringify([
      {
        usage_bucket_ms: T0,
        usage_level: 'turn',
        usage_model: e.data.model,
        usage_project_id: '',
        delta_calls: 1,
      },
    ]);
    const apply = () => knex.raw(APPLY_BATCH_SQL, [ev.x, ev.position, cp.x, cp.position, rows]);
    const [a, b] = await Promise.all([apply(), apply()]);
    expect([a.rows[0].moved, b.rows[0].moved].sort()).toEqual([0, 1]);
    expect((await new KnexUsageReadModel(knex).usage(ALL)).totalCalls).toBe(2);
  });

  it('hands the lead over when the leader stops', async () => {
    const { knex, url } = database();
    const other = createKnex(url, { poolMax: 3 });
    const clock = new SystemClock();
    const [a, b] = [knex, other].map(
      (k) => new UsageProjector(k, { clock, log: quiet, delayMs: 1, pollMs: 5 }),
    );
    try {
      await appendEvents(knex, [succeeded({ at: T0 })], 10_000);
      expect((await a!.step()).ran).toBe(true); // a leads
      expect((await b!.step()).ran).toBe(false);
      expect(await a!.step()).toMatchObject({ ran: true, passed: 0 }); // nothing new
      await appendEvents(knex, [succeeded({ at: T0 })], 10_000);
      a!.start();
      await a!.stop(); // projects what is left, then resigns
      await appendEvents(knex, [succeeded({ at: T0 })], 10_000);
      const s = await b!.step();
      expect(s).toMatchObject({ ran: true, passed: 1 });
      expect((await new KnexUsageReadModel(knex).usage(ALL)).totalCalls).toBe(3);
    } finally {
      await b!.stop();
      await other.destroy();
    }
  });

  it('after a rebuild, projects only what is appended later', async () => {
    const { knex } = database();
    await appendEvents(knex, [succeeded({ at: T0 }), succeeded({ at: T0 })], 10_000);
    await rebuildProjections(knex); // rebuilt without the projector: the checkpoint moves too
    expect(await projectUsage(knex)).toBe(0);
    await appendEvents(knex, [succeeded({ at: T0 })], 10_000);
    expect(await projectUsage(knex)).toBe(1);
    expect((await new KnexUsageReadModel(knex).usage(ALL)).totalCalls).toBe(3);
  });

  it('lets a read wait for the calls recorded before it (read-your-writes)', async () => {
    const { knex } = database();
    const projector = new UsageProjector(knex, { clock: new SystemClock(), log: quiet });
    projector.start();
    try {
      const model = new KnexUsageReadModel(knex, projector);
      for (let i = 0; i < 5; i++) {
        await appendEvents(knex, [succeeded({ at: T0 })], 10_000); // no kick: the read must ask
        expect(await model.caughtUp(1_000)).toBeNull();
        expect((await model.usage(ALL)).totalCalls).toBe(i + 1);
      }
    } finally {
      await projector.stop();
    }
  });

  it('answers after its bound with how far behind it is when no projector can run', async () => {
    const { knex, url } = database();
    const holder = new Client({ connectionString: url });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT pg_advisory_xact_lock($1)', [PROJECTOR_LOCK]);
    try {
      const projector = new UsageProjector(knex, { clock: new SystemClock(), log: quiet });
      projector.start();
      try {
        await appendEvents(knex, [succeeded({ at: Date.now() - 2_000 })], 10_000);
        const began = Date.now();
        const lag = await new KnexUsageReadModel(knex, projector).caughtUp(300);
        expect(Date.now() - began).toBeGreaterThanOrEqual(300);
        expect(lag).not.toBeNull();
        expect(lag!.lagMs).toBeGreaterThanOrEqual(1_500);
        expect(Date.parse(lag!.asOf)).toBeLessThan(Date.now());
      } finally {
        await projector.stop();
      }
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
  });
});

describe('the usage projector migration', () => {
  const database = useTestDatabase();

  it('starts the checkpoint past the events a database already has (projected when appended)', async () => {
    const { knex } = database();
    // That migration alone: later ones (the trace_id column) stay, as the append path needs them.
    await knex.migrate.down({ ...migrationConfig, name: '20261207120001_usage_projector' });
    await appendEvents(knex, [succeeded({ at: T0 }), succeeded({ at: T0 })], 10_000);
    await migrateLatest(knex);
    expect(await projectUsage(knex)).toBe(0);
    await appendEvents(knex, [succeeded({ at: T0 })], 10_000);
    expect(await projectUsage(knex)).toBe(1);
  });
});
