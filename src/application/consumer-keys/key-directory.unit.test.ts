import { randomUUID } from 'node:crypto';
import { InMemoryKeyStore, ManualClock } from '../../adapters/in-memory';
import { KeyDirectory } from './key-directory';
import { makeKeyAdmin } from './manage-keys';

/** A store whose notifications are lost: only the version poll can tell the directory. */
class SilentStore extends InMemoryKeyStore {
  override onChange(): () => void {
    return () => undefined;
  }
}

describe('KeyDirectory', () => {
  const setup = (store: InMemoryKeyStore = new SilentStore()) => {
    const clock = new ManualClock(Date.parse('2026-12-08T00:00:00Z'));
    const directory = new KeyDirectory(store, clock, { pollMs: 500, touchFlushMs: 5000 });
    // Another instance's admin: it changes the store, not this directory.
    const elsewhere = makeKeyAdmin({ store, clock, newId: randomUUID });
    return { clock, directory, elsewhere, store };
  };
  const settle = () => new Promise((r) => setImmediate(r));

  it('catches a change whose notification was lost within one poll', async () => {
    const { clock, directory, elsewhere } = setup();
    const k = (await elsewhere.issue({ name: 'a', scopes: ['infer'] }))._unsafeUnwrap();
    await directory.refresh(true);
    const stop = directory.start();
    expect(directory.verify(k.key).ok).toBe(true);
    (await elsewhere.revoke(k.view.id))._unsafeUnwrap();
    expect(directory.verify(k.key).ok).toBe(true);
    clock.advance(500);
    await settle();
    expect(directory.verify(k.key)).toEqual({ ok: false, reason: 'revoked' });
    await stop();
  });

  it('follows notifications at once, and a forced refresh sees what was appended before it', async () => {
    const store = new InMemoryKeyStore();
    const { directory, elsewhere } = setup(store);
    const stop = directory.start();
    const k = (await elsewhere.issue({ name: 'b', scopes: ['read'] }))._unsafeUnwrap();
    await settle();
    expect(directory.verify(k.key).ok).toBe(true);
    expect(directory.anyIssued()).toBe(true);
    await stop();
  });

  it('keeps the last keys in force while the store cannot be read, and says so', async () => {
    const store = new SilentStore();
    const errors: unknown[] = [];
    const clock = new ManualClock();
    const directory = new KeyDirectory(store, clock, {
      pollMs: 500,
      touchFlushMs: 5000,
      onError: (e) => errors.push(e),
    });
    const admin = makeKeyAdmin({ store, clock, newId: randomUUID, directory });
    const k = (await admin.issue({ name: 'c', scopes: ['infer'] }))._unsafeUnwrap();
    store.version = () => Promise.reject(new Error('database away'));
    await directory.refresh(true);
    expect(errors).toHaveLength(1);
    expect(directory.verify(k.key).ok).toBe(true);
  });

  it('lists the budgets of keys not revoked, named after the key and period', async () => {
    const { directory, elsewhere } = setup();
    const a = (
      await elsewhere.issue({
        name: 'a',
        scopes: ['infer'],
        budgets: [{ period: 'week', limitUsd: 2 }],
      })
    )._unsafeUnwrap();
    const b = (
      await elsewhere.issue({
        name: 'b',
        scopes: ['infer'],
        budgets: [{ period: 'day', limitUsd: 1 }],
      })
    )._unsafeUnwrap();
    (await elsewhere.revoke(b.view.id))._unsafeUnwrap();
    await directory.refresh(true);
    expect(directory.keyBudgets()).toEqual([
      { name: `key:${a.view.id}:week`, period: 'week', limitUsd: 2, keyId: a.view.id },
    ]);
  });

  it('flushes when keys were last used, and keeps the times when the flush fails', async () => {
    const { directory, elsewhere, store } = setup();
    const k = (await elsewhere.issue({ name: 'd', scopes: ['infer'] }))._unsafeUnwrap();
    await directory.refresh(true);
    directory.verify(k.key);
    const touch = store.touch.bind(store);
    store.touch = () => Promise.reject(new Error('away'));
    await directory.flushUses();
    expect((await store.lastUsed()).size).toBe(0);
    store.touch = touch;
    await directory.flushUses();
    expect((await store.lastUsed()).get(k.view.id)).toBe('2026-12-08T00:00:00.000Z');
  });
});
