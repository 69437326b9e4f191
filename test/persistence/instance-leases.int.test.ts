import {
  createKnex,
  KnexCallLog,
  KnexCallRecords,
  KnexInstanceLeases,
  KnexUsageReadModel,
  type LogSink,
} from '../../src/adapters/persistence';
import { SystemClock } from '../../src/adapters/system/system-clock';
import { makeSettleInterrupted } from '../../src/application';
import type { Knex } from 'knex';
import { identifiedOf, started } from '../contracts/spend-fixtures';
import { projectUsage } from '../support/project-usage';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const silent: LogSink = { info: () => {}, warn: () => {}, error: () => {} };

describe('instance leases (PostgreSQL): only dead instances have orphans', () => {
  let db: TestDatabase;
  const pools: Knex[] = [];
  const leased: KnexInstanceLeases[] = [];
  /** An instance: a pool of its own (its own sessions, so its own advisory lock). */
  const instance = (
    instanceId: string,
    o: { predecessors?: string[]; staleAfterMs?: number } = {},
  ) => {
    const knex = createKnex(db.url, { poolMax: 3 });
    pools.push(knex);
    const leases = new KnexInstanceLeases(knex, { instanceId, ...o });
    leased.push(leases);
    const log = new KnexCallLog(knex, { clock: new SystemClock(), log: silent });
    const settle = makeSettleInterrupted({
      leases,
      log,
      publisher: { publish: () => {} },
      instanceId,
    });
    return { knex, leases, log, settle };
  };

  beforeAll(async () => (db = await createTestDatabase()));
  afterAll(async () => {
    // A pool waits for its lease's connection to come back before it can be destroyed.
    for (const l of leased) await l.release();
    await Promise.all(pools.map((p) => p.destroy()));
    pools.length = 0;
    await db.drop();
  });

  it('a live instance is never settled, even with a stale heartbeat; a dead one is, once', async () => {
    const a = instance('a');
    await a.leases.acquire();
    const intent = started({ instanceId: 'a', estimatedCostNanos: 4_000_000 });
    await a.log.append([intent]);
    // Its generation id came with the headers and was kept with the intent.
    await a.log.append([identifiedOf(intent, 'gen-in-flight')]);
    // b treats every heartbeat as stale: only a's lock tells it that a lives.
    const b = instance('b', { staleAfterMs: 0 });
    await b.leases.acquire();
    expect(await b.leases.orphans(10)).toEqual([]);
    // a renews, c (a successor on a's data_dir) still sees a alive: its lock is held.
    await a.leases.renew();
    const c = instance('c', { predecessors: ['a'] });
    await c.leases.acquire();
    expect(await c.leases.orphans(10)).toEqual([]);

    // a dies: its lock's session ends (as at kill -9), and PostgreSQL frees the lock at once.
    await db.knex.raw(
      `SELECT pg_terminate_backend(l.pid) FROM pg_locks l
       JOIN inference_instances s ON l.objid = s.lock_key AND s.instance_id = 'a'
       WHERE l.locktype = 'advisory' AND l.classid = 724319`,
    );
    // d knows nothing of a and a's heartbeat is fresh: not yet an orphan to d.
    const d = instance('d', { staleAfterMs: 60_000 });
    await d.leases.acquire();
    expect(await d.leases.orphans(10)).toEqual([]);
    // c, a's successor, and b, for which a's heartbeat is stale, both settle it: one record.
    const [byB, byC] = await Promise.all([b.settle(), c.settle()]);
    expect(byB + byC).toBeGreaterThanOrEqual(1);
    const records = new KnexCallRecords(db.knex);
    expect(await records.get(intent.data.callId)).toMatchObject({
      status: 'interrupted',
      costNanos: 4_000_000,
      costEstimated: true,
      upstreamId: 'gen-in-flight',
    });
    // …so it is one to reconcile.
    const due = await records.unreconciled(new Date(0).toISOString(), 10);
    expect(due.map((r) => r.id)).toEqual([intent.data.callId]);
    await projectUsage(db.knex);
    const usage = await new KnexUsageReadModel(db.knex).usage({});
    expect(usage).toMatchObject({ totalCalls: 1, interruptedCalls: 1, costUsd: 0.004 });
    expect(await b.leases.orphans(10)).toEqual([]);
    await Promise.all([b, c, d].map((x) => x.log.close()));
  });

  it('a cleanly stopped instance’s leftover intents are orphans at once', async () => {
    const e = instance('e');
    await e.leases.acquire();
    const intent = started({ instanceId: 'e' });
    await e.log.append([intent]);
    await e.leases.release();
    const f = instance('f', { staleAfterMs: 60_000 });
    await f.leases.acquire();
    expect(await f.leases.orphans(10)).toMatchObject([
      { data: { callId: intent.data.callId }, upstreamId: null },
    ]);
    // Its own intents never are.
    await f.log.append([started({ instanceId: 'f' })]);
    expect(await f.leases.orphans(10)).toHaveLength(1);
    await Promise.all([e, f].map((x) => x.log.close()));
  });
});
