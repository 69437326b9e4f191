import { randomUUID } from 'node:crypto';
import { KnexKeyStore, rebuildProjections } from '../../src/adapters/persistence';
import { SystemClock } from '../../src/adapters/system/system-clock';
import { KeyDirectory, makeKeyAdmin } from '../../src/application';
import { useTestDatabase } from '../support/test-database';
import { waitFor } from '../support/wait-for';

jest.setTimeout(60_000);

describe('KnexKeyStore: key events in the log, the keys table as their projection', () => {
  const db = useTestDatabase();
  const clock = new SystemClock();
  let store: KnexKeyStore;
  afterAll(() => store?.close());

  const table = async () =>
    (await db().knex.raw('SELECT * FROM consumer_keys ORDER BY id')).rows as unknown[];

  it('appends events with hashes only, notifies, and the rebuild reproduces the table', async () => {
    store = new KnexKeyStore(db().knex);
    let notified = 0;
    const stop = store.onChange(() => notified++);
    // A second store, as another instance would have, hears the same notifications.
    const other = new KnexKeyStore(db().knex);
    const directory = new KeyDirectory(other, clock, { pollMs: 50, touchFlushMs: 50 });
    const stopOther = directory.start();
    const admin = makeKeyAdmin({ store, clock, newId: randomUUID });
    const v0 = await store.version();
    const a = (
      await admin.issue({ name: 'a', scopes: ['infer'], budgets: [{ period: 'day', limitUsd: 2 }] })
    )._unsafeUnwrap();
    const b = (
      await admin.issue({ name: 'b', scopes: ['read', 'admin'], levels: ['turn'] })
    )._unsafeUnwrap();
    const c = (
      await admin.issue({ name: 'c', scopes: ['infer'], models: ['x/y'] })
    )._unsafeUnwrap();
    const rotated = (await admin.rotate(a.view.id, { overlapSeconds: 60 }))._unsafeUnwrap();
    (await admin.revoke(b.view.id))._unsafeUnwrap();
    expect(await store.version()).toBeGreaterThan(v0);
    await waitFor(async () => (notified >= 5 ? true : undefined), 5_000, { everyMs: 20 });
    // The other instance's copy follows: c works, b is refused, a works with both secrets.
    await waitFor(async () => (directory.verify(c.key).ok ? true : undefined), 5_000, {
      everyMs: 20,
    });
    await waitFor(async () => (!directory.verify(b.key).ok ? true : undefined), 5_000, {
      everyMs: 20,
    });
    expect(directory.verify(a.key).ok).toBe(true);
    expect(directory.verify(rotated.key).ok).toBe(true);
    expect(directory.keyBudgets()).toEqual([
      { name: `key:${a.view.id}:day`, period: 'day', limitUsd: 2, keyId: a.view.id },
    ]);
    // Last use is flushed to its own table, outside the projection.
    await waitFor(async () => ((await store.lastUsed()).has(c.view.id) ? true : undefined), 5_000, {
      everyMs: 50,
    });

    const events = (
      await db().knex.raw(
        "SELECT type, data::text AS data FROM inference_events WHERE type LIKE 'Key%' ORDER BY position",
      )
    ).rows as Array<{ type: string; data: string }>;
    expect(events.map((e) => e.type)).toEqual([
      'KeyIssued',
      'KeyIssued',
      'KeyIssued',
      'KeyRotated',
      'KeyRevoked',
    ]);
    for (const k of [a.key, b.key, c.key, rotated.key]) {
      const secret = k.slice(17);
      expect(events.map((e) => e.data).join('\n')).not.toContain(secret);
      expect(JSON.stringify(await table())).not.toContain(secret);
    }

    const before = await table();
    expect(before).toHaveLength(3);
    await rebuildProjections(db().knex);
    expect(await table()).toEqual(before);
    stop();
    await stopOther();
    other.close();
  });

  it('keeps a revocation made while the listener was down: the poll catches it', async () => {
    const admin = makeKeyAdmin({ store, clock, newId: randomUUID });
    const quiet = new KnexKeyStore(db().knex);
    // Never listens: only the version poll can tell it.
    quiet.onChange = () => () => undefined;
    const directory = new KeyDirectory(quiet, clock, { pollMs: 100, touchFlushMs: 10_000 });
    const k = (await admin.issue({ name: 'polled', scopes: ['infer'] }))._unsafeUnwrap();
    await directory.refresh(true);
    const stop = directory.start();
    expect(directory.verify(k.key).ok).toBe(true);
    (await admin.revoke(k.view.id))._unsafeUnwrap();
    const t0 = Date.now();
    await waitFor(async () => (!directory.verify(k.key).ok ? true : undefined), 2_000, {
      everyMs: 10,
    });
    expect(Date.now() - t0).toBeLessThan(1000);
    await stop();
  });

  it('key events take their log positions in commit order: one waits while another is in flight', async () => {
    const admin = makeKeyAdmin({ store, clock, newId: randomUUID });
    const maxPosition = async () =>
      Number(
        (
          (
            await db().knex.raw(
              'SELECT coalesce(max(position), 0)::text AS p FROM inference_events',
            )
          ).rows[0] as { p: string }
        ).p,
      );
    // Another key event in flight: its transaction holds the key events' lock, not committed yet.
    const inFlight = await db().knex.transaction();
    await inFlight.raw('SELECT pg_advisory_xact_lock(7243190519)');
    const before = await maxPosition();
    const issuing = admin.issue({ name: 'after the one in flight', scopes: ['infer'] });
    // Until it waits for the lock; had it inserted first, its position would come before a
    // commit still to happen.
    await waitFor(
      async () =>
        Number(
          (
            (
              await db().knex.raw(
                "SELECT count(*)::text AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
              )
            ).rows[0] as { n: string }
          ).n,
        ) > 0
          ? true
          : undefined,
      5_000,
      { everyMs: 10 },
    );
    expect(await maxPosition()).toBe(before);
    await inFlight.commit();
    expect((await issuing).isOk()).toBe(true);
    expect(await maxPosition()).toBeGreaterThan(before);
  });

  it('a key query that hangs fails after the statement timeout instead of holding refreshes', async () => {
    const slow = new KnexKeyStore(db().knex, 200);
    // The keys table locked by another transaction: reading it waits (as on a hung database).
    const holder = await db().knex.transaction();
    await holder.raw('LOCK TABLE consumer_keys IN ACCESS EXCLUSIVE MODE');
    const t0 = Date.now();
    await expect(slow.all()).rejects.toThrow(/timeout/i);
    expect(Date.now() - t0).toBeLessThan(5_000);
    await holder.rollback();
    expect(Array.isArray(await slow.all())).toBe(true);
  });
});
