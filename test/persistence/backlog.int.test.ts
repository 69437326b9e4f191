import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/adapters/in-memory';
import { Backlog } from '../../src/adapters/persistence/append/backlog';
import { GroupCommit } from '../../src/adapters/persistence/append/group-commit';
import { failed, succeeded } from '../contracts/fixtures';
import { FakeDatabase, RecordingSink } from './fake-database';

describe('Backlog journal file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'headspace-backlog-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('survives a restart, skips a torn last line, and is emptied once written', async () => {
    const file = join(dir, 'nested', 'backlog.jsonl');
    const events = [succeeded(), failed(), succeeded()];
    const first = new Backlog(file);
    await first.add(events.slice(0, 2));
    await first.add(events.slice(2));
    await first.close();
    await appendFile(file, '{"type":"InferenceSucc'); // a write cut short by a crash

    const second = new Backlog(file);
    expect(await second.load()).toBe(3);
    expect(second.peek(10)).toEqual(events);
    await second.remove(2);
    expect(second.peek(10)).toEqual(events.slice(2));
    await second.remove(1);
    await second.close();
    expect(await readFile(file, 'utf8')).toBe('');
  });

  it('refuses an append it can neither commit nor save, saying why', async () => {
    const notADir = join(dir, 'plain-file');
    await writeFile(notADir, 'x');
    const db = new FakeDatabase();
    db.down = true;
    const log = new GroupCommit(
      db.write,
      new Backlog(join(notADir, 'backlog.jsonl')),
      new ManualClock(),
      { batchMax: 10, maxBacklog: 10, retryBaseMs: 100, retryMaxMs: 100 },
      new RecordingSink(),
    );
    await expect(log.append([succeeded()])).rejects.toThrow(/backlog could not be saved/);
    expect(log.health()).toMatchObject({
      backlog: 0,
      database: 'unreachable',
      journalError: 'the backlog journal could not be written (EEXIST)',
    });
    db.down = false; // the database takes writes again: nothing is unrecordable any more
    await log.append([succeeded()]);
    expect(log.health()).toMatchObject({ database: 'connected', journalError: null });
  });
});
