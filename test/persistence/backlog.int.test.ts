import { appendFile, chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Backlog } from '../../src/adapters/persistence/backlog';
import { failed, succeeded } from '../contracts/fixtures';

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

  it('reports a journal it cannot write', async () => {
    await chmod(dir, 0o500);
    const backlog = new Backlog(join(dir, 'sub', 'backlog.jsonl'));
    const asRoot = process.getuid?.() === 0; // root writes anywhere: nothing to refuse
    if (asRoot) await backlog.add([succeeded()]);
    else await expect(backlog.add([succeeded()])).rejects.toThrow(/EACCES/);
    await backlog.close();
    await chmod(dir, 0o700);
  });
});
