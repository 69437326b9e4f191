import { mkdir, open, readFile, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CallLogEvent } from '../../../domain';
import { frameRecord, parseJournal } from './journal-frame';

/**
 * Events accepted while the database was unreachable, oldest first. With a file, each addition
 * is appended as framed records (length and checksum, see `journal-frame.ts`) and fsynced before
 * it counts, so a backlogged call survives a crash or a restart, and a torn or corrupt record
 * costs only itself; the file is emptied once everything in it is in the database. Records of
 * events already written may linger until then: appends are idempotent, so replaying them is
 * harmless.
 */
export class Backlog {
  private events: CallLogEvent[] = [];
  private handle: FileHandle | undefined;
  private tornTail = false;
  /** File operations run one at a time: a drain's truncate never races an add's write. */
  private fileOps: Promise<unknown> = Promise.resolve();

  /** `file` null keeps the backlog in memory only: it survives an outage, not a crash. */
  constructor(readonly file: string | null) {}

  /** Events waiting. */
  get size(): number {
    return this.events.length;
  }

  /** Torn or corrupt records skipped by the last `load`. */
  corrupt = 0;

  /**
   * Reads what a previous run left; torn or corrupt records (a torn last one was never
   * acknowledged) are skipped, each costing only itself.
   */
  async load(): Promise<number> {
    if (this.file === null) return 0;
    // A device or a pipe in its place (say, /dev/full) holds no records and may never end.
    const kind = await stat(this.file).catch(() => undefined);
    if (kind !== undefined && !kind.isFile()) return 0;
    const text = await readFile(this.file, 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return '';
      throw e;
    });
    // A torn last record: later records must start on a line of their own.
    this.tornTail = text !== '' && !text.endsWith('\n');
    const seen = new Set(this.events.map((e) => e.eventId));
    const { events, corrupt } = parseJournal(text);
    this.corrupt = corrupt;
    for (const e of events) {
      if (!seen.has(e.eventId)) {
        seen.add(e.eventId);
        this.events.push(e);
      }
    }
    return this.events.length;
  }

  /**
   * Adds events at the end; resolves once they are on disk. Safe to call while a drain is
   * writing the oldest events to the database: file operations are serialised.
   */
  add(events: readonly CallLogEvent[]): Promise<void> {
    return this.exclusive(async () => {
      if (this.file !== null) {
        const h = await this.open(this.file);
        const records = events.map(frameRecord).join('');
        try {
          await h.appendFile(this.tornTail ? `\n${records}` : records, 'utf8');
          await h.datasync();
        } catch (e) {
          // Part of it may be on disk: the next records start on a line of their own.
          this.tornTail = true;
          throw e;
        }
        this.tornTail = false;
      }
      this.events.push(...events);
    });
  }

  /** The oldest `n` events, without removing them. */
  peek(n: number): readonly CallLogEvent[] {
    return this.events.slice(0, n);
  }

  /** Removes the oldest `n` events, once they are in the database. */
  remove(n: number): Promise<void> {
    this.events.splice(0, n);
    return this.exclusive(async () => {
      // Checked inside the turn: an add that was writing meanwhile has pushed its events by now.
      if (this.events.length === 0 && this.file !== null)
        await (await this.open(this.file)).truncate(0);
    });
  }

  /** Closes the file; its content stays for the next start. */
  close(): Promise<void> {
    return this.exclusive(async () => {
      await this.handle?.close();
      this.handle = undefined;
    });
  }

  private exclusive<T>(op: () => Promise<T>): Promise<T> {
    const run = this.fileOps.then(op, op);
    this.fileOps = run.catch(() => undefined);
    return run;
  }

  private async open(file: string): Promise<FileHandle> {
    if (!this.handle) {
      await mkdir(dirname(file), { recursive: true });
      this.handle = await open(file, 'a', 0o600);
    }
    return this.handle;
  }
}
