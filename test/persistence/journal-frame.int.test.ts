import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Backlog } from '../../src/adapters/persistence/append/backlog';
import { failed, rateLimited, succeeded } from '../contracts/fixtures';
import { started } from '../contracts/spend-fixtures';

describe('journal records: a torn or corrupt record costs only itself', () => {
  let dir: string;
  beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'headspace-journal-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const events = [succeeded(), started(), failed({ text: 'ünïcödé ✓' }), rateLimited()];

  it('truncated at every byte offset of its last records: every whole record before survives, and a later one is read', async () => {
    const file = join(dir, 'whole.journal');
    const writer = new Backlog(file);
    await writer.add(events.slice(0, 2));
    await writer.add(events.slice(2));
    await writer.close();
    const bytes = await readFile(file);
    // Where each record ends (records are lines).
    const ends: number[] = [];
    bytes.forEach((b, i) => b === 0x0a && ends.push(i + 1));
    expect(ends).toHaveLength(events.length);
    const later = succeeded();
    for (let cut = ends[0]!; cut <= bytes.length; cut++) {
      const torn = join(dir, `torn-${cut}.journal`);
      await writeFile(torn, bytes.subarray(0, cut));
      // A record missing only its newline is whole: its length and checksum hold.
      const whole = ends.filter((e) => e - 1 <= cut).length;
      const reader = new Backlog(torn);
      expect(await reader.load()).toBe(whole);
      expect(reader.peek(10)).toEqual(events.slice(0, whole));
      // A record written after the torn one (the next run's) is not hidden by it.
      await reader.add([later]);
      await reader.close();
      const again = new Backlog(torn);
      await again.load();
      expect(again.peek(10)).toEqual([...events.slice(0, whole), later]);
      await again.close();
    }
  });

  it('a corrupt byte in a middle record loses that record only', async () => {
    const file = join(dir, 'corrupt.journal');
    const writer = new Backlog(file);
    await writer.add(events);
    await writer.close();
    const bytes = await readFile(file);
    const second = bytes.indexOf(0x0a) + 1;
    for (const at of [second, second + 6, second + 20, bytes.indexOf(0x0a, second) - 2]) {
      const copy = Buffer.from(bytes);
      copy[at] = copy[at] === 0x41 ? 0x42 : 0x41;
      await writeFile(file, copy);
      const reader = new Backlog(file);
      await reader.load();
      expect(reader.peek(10)).toEqual([events[0], ...events.slice(2)]);
      expect(reader.corrupt).toBe(1);
      await reader.close();
    }
  });
});
