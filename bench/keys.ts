import { randomUUID } from 'node:crypto';
import { InMemoryKeyStore } from '../src/adapters/in-memory';
import { KeyDirectory, makeKeyAdmin } from '../src/application';
import { SystemClock } from '../src/adapters/system/system-clock';
import { measure, table } from './op-latency';

/**
 * What verifying a consumer key adds to a call, in process, once the keys are loaded: a map
 * lookup by id, one SHA-256 of the key and constant-time compares. With 1,000 keys loaded, for
 * a valid key, a wrong secret and a key id nobody issued.
 * Usage: `npm run bench:keys -- [ops]`.
 */
const main = async (): Promise<void> => {
  const ops = Number(process.argv[2] ?? 200_000);
  const clock = new SystemClock();
  const store = new InMemoryKeyStore();
  const directory = new KeyDirectory(store, clock, { pollMs: 500, touchFlushMs: 5000 });
  const admin = makeKeyAdmin({ store, clock, newId: randomUUID, directory });
  const tokens: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const r = await admin.issue({ name: `k${i}`, scopes: ['infer'] });
    tokens.push(r._unsafeUnwrap().key);
  }
  await directory.refresh(true);
  const valid = tokens[500]!;
  const wrong = `${valid.slice(0, -4)}AAAA`;
  const unknown = 'hsk_zzzzzzzzzzzz_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef';
  if (!directory.verify(valid).ok || directory.verify(wrong).ok) throw new Error('bench: broken');
  const rows = [
    await measure('verify a valid key', ops, () => directory.verify(valid)),
    await measure('verify a wrong secret', ops, () => directory.verify(wrong)),
    await measure('verify an unknown id', ops, () => directory.verify(unknown)),
  ];
  console.log(table(`KeyDirectory.verify, 1,000 keys loaded (${ops} ops each)`, rows));
};

void main();
