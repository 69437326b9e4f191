import type { Knex } from 'knex';
import { createKnex } from '../../src/adapters/persistence';
import { waitFor } from '../support/wait-for';
import { calls, serviceOn, StoppableDatabase } from './outage-harness';

jest.setTimeout(120_000);

/** Polls `f` every 100 ms until it holds, or fails after a minute (the shared waitFor). */
const eventually = (f: () => Promise<boolean>): Promise<true> =>
  waitFor(async () => ((await f()) ? true : undefined), 60_000, { everyMs: 100 });

describe('PostgreSQL absent when the service starts', () => {
  let db: StoppableDatabase;
  let knex: Knex;
  beforeAll(async () => {
    db = await StoppableDatabase.start(); // fresh: never migrated
    await db.stop();
    knex = createKnex(db.url);
  });
  afterAll(async () => {
    await knex?.destroy();
    await db?.destroy();
  });

  it('serves on the journal, says so, then migrates and replays when the database comes', async () => {
    const { svc, lines } = await serviceOn(db); // would have failed with ECONNREFUSED before
    try {
      const before = await calls(svc, 20, 'absent');
      expect(before.refused).toEqual([]);
      const status = await svc.status();
      expect(status.enabled).toBe(true);
      expect(status.logging).toMatchObject({ database: 'absent', journalError: null });
      expect(status.logging.backlog).toBeGreaterThanOrEqual(20);
      expect(status.logging.lastError).toMatch(/not been reached since start \(ECONNREFUSED\)/);
      expect(await svc.ready()).toEqual({
        ready: false,
        detail: expect.stringMatching(/^database: not reached since start/),
      });
      const usage = await svc.usage();
      expect(usage.isErr() && usage.error).toMatchObject({
        code: 'unavailable',
        detail: expect.stringMatching(/^usage could not be read: .*\(ECONNREFUSED\)$/),
      });
      const page = await svc.calls();
      expect(page.isErr() && page.error.code).toBe('unavailable');
      expect(lines.some((l) => l.level === 40 && /not reachable at start/.test(l.msg))).toBe(true);

      await db.restart();
      await eventually(async () => (await svc.ready()).ready);
      // 'unreachable' until the first replayed batch commits, then:
      await eventually(async () => (await svc.status()).logging.database === 'connected');
      const after = await calls(svc, 10, 'present');
      const answered = [...before.answered, ...after.answered];
      await eventually(async () => {
        const counted = await knex('inference_calls').count<{ n: string }[]>('* as n');
        return Number(counted[0]?.n) === answered.length;
      });
      const rows: Array<{ id: string }> = await knex('inference_calls').select('id');
      expect(rows.map((r) => r.id).sort()).toEqual([...answered].sort());
      const open = await knex('inference_intents').count<{ n: string }[]>('* as n');
      expect(Number(open[0]!.n)).toBe(0);
      expect((await svc.usage()).isOk()).toBe(true);
      expect(lines.some((l) => /database ready: migrations applied/.test(l.msg))).toBe(true);
    } finally {
      await svc.close();
    }
  });
});
