import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readBack, writeArchive } from './archive';

async function* batches(n: number, size: number): AsyncIterable<string[]> {
  for (let i = 0; i < n; i += size)
    yield Array.from({ length: Math.min(size, n - i) }, (_, j) => JSON.stringify({ i: i + j }));
}

describe('partition archive', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hs-archive-unit-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes gzip JSON lines, checks them, and appends a manifest line per file', async () => {
    const from = Date.UTC(2026, 2, 1);
    const source = (kind: 'records' | 'events', n: number) => ({
      partition: `inference_${kind}_p20260301`,
      kind,
      from,
      until: from + 86_400_000,
      rows: batches(n, 700),
    });
    const a = await writeArchive(dir, source('records', 2500));
    const b = await writeArchive(dir, source('events', 0));
    expect(a).toMatchObject({
      rows: 2500,
      from: '2026-03-01T00:00:00.000Z',
      until: '2026-03-02T00:00:00.000Z',
    });
    expect(b.rows).toBe(0);
    const bytes = await readFile(join(dir, a.file));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(a.sha256);
    const lines = gunzipSync(bytes).toString('utf8').trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { i: number }).i)).toEqual(
      Array.from({ length: 2500 }, (_, i) => i),
    );
    const manifest = (await readFile(join(dir, 'manifest.jsonl'), 'utf8')).trim().split('\n');
    expect(manifest.map((l) => JSON.parse(l))).toEqual([a, b]);
  });

  it('reads back what is on disk: a changed file no longer matches its checksum', async () => {
    const from = Date.UTC(2026, 2, 1);
    const a = await writeArchive(dir, {
      partition: 'p',
      kind: 'events',
      from,
      until: from + 1,
      rows: batches(10, 3),
    });
    expect(await readBack(join(dir, a.file))).toEqual({ sha256: a.sha256, rows: 10 });
    const bytes = await readFile(join(dir, a.file));
    const at = bytes.length - 5; // in the gzip trailer: its CRC no longer holds
    bytes.writeUInt8(bytes.readUInt8(at) ^ 0xff, at);
    await writeFile(join(dir, a.file), bytes);
    await expect(readBack(join(dir, a.file))).rejects.toThrow();
  });
});
