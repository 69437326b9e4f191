import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';

/** What an archive holds: call records or events. */
export type ArchiveKind = 'records' | 'events';

/** One line of `manifest.jsonl`: an archived partition and how to check it. */
export interface ManifestEntry {
  readonly partition: string;
  readonly kind: ArchiveKind;
  readonly from: string;
  readonly until: string;
  readonly rows: number;
  /** SHA-256 (hex) of the gzip file as written. */
  readonly sha256: string;
  readonly file: string;
}

/** The archive of one partition before it is written: what it is, and its rows as JSON text. */
export interface ArchiveSource {
  readonly partition: string;
  readonly kind: ArchiveKind;
  readonly from: number;
  readonly until: number;
  /** Batches of rows, each row one JSON object as text (no newline). */
  readonly rows: AsyncIterable<readonly string[]>;
}

/** An archive that failed its check: the partition is not dropped. */
export class ArchiveCheckError extends Error {
  readonly code = 'archive_check_failed';
}

const fsyncPath = async (path: string): Promise<void> => {
  const h = await open(path, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
};

/** Reads a written archive back: its SHA-256 and its number of lines. */
export const readBack = async (path: string): Promise<{ sha256: string; rows: number }> => {
  const hash = createHash('sha256');
  let rows = 0;
  const file = createReadStream(path);
  file.on('data', (b) => hash.update(b));
  const gunzip = createGunzip();
  gunzip.on('data', (b: Buffer) => {
    for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) rows++;
  });
  await pipeline(file, gunzip);
  return { sha256: hash.digest('hex'), rows };
};

/**
 * Writes `s` to `dir` as gzip-compressed JSON lines (`<partition>.<kind>.jsonl.gz`), fsyncs the
 * file and the directory, reads it back (rows counted, checksum taken from the bytes on disk),
 * and only then appends its line to `manifest.jsonl` (fsynced too). Throws
 * `ArchiveCheckError` when the file does not read back as written.
 */
export const writeArchive = async (dir: string, s: ArchiveSource): Promise<ManifestEntry> => {
  await mkdir(dir, { recursive: true });
  const file = `${s.partition}.${s.kind}.jsonl.gz`;
  const path = join(dir, file);
  const tmp = `${path}.tmp`;
  const hash = createHash('sha256');
  const gzip = createGzip();
  const out = createWriteStream(tmp);
  gzip.on('data', (b: Buffer) => hash.update(b));
  const written = pipeline(gzip, out);
  let rows = 0;
  for await (const batch of s.rows) {
    if (batch.length === 0) continue;
    rows += batch.length;
    if (!gzip.write(`${batch.join('\n')}\n`)) await once(gzip, 'drain');
  }
  gzip.end();
  await written;
  await fsyncPath(tmp);
  await rename(tmp, path);
  await fsyncPath(dir);
  const sha256 = hash.digest('hex');
  const back = await readBack(path);
  if (back.rows !== rows || back.sha256 !== sha256)
    throw new ArchiveCheckError(
      `${file} read back ${back.rows} rows (sha256 ${back.sha256}), wrote ${rows} (${sha256})`,
    );
  const entry: ManifestEntry = {
    partition: s.partition,
    kind: s.kind,
    from: new Date(s.from).toISOString(),
    until: new Date(s.until).toISOString(),
    rows,
    sha256,
    file,
  };
  const manifest = await open(join(dir, 'manifest.jsonl'), 'a');
  try {
    await manifest.appendFile(`${JSON.stringify(entry)}\n`);
    await manifest.sync();
  } finally {
    await manifest.close();
  }
  await fsyncPath(dir);
  return entry;
};
