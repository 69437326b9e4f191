import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CallLogEvent } from '../../domain';

/**
 * Events accepted while the database was unreachable, oldest first. With a file, each addition
 * is appended as JSON lines and fsynced before it counts, so a backlogged call survives a crash
 * or a restart; the file is emptied once everything in it is in the database. Lines of events
 * already written may linger until then: appends are idempotent, so replaying them is harmless.
 */
export class Backlog {
  private events: CallLogEvent[] = [];
  private handle: FileHandle | undefined;

  /** `file` null keeps the backlog in memory only: it survives an outage, not a crash. */
  constructor(readonly file: string | null) {}

  /** Events waiting. */
  get size(): number {
    return this.events.length;
  }

  /** Reads what a previous run left; a torn last line (never acknowledged) is skipped. */
  async load(): Promise<number> {
    if (this.file === null) return 0;
    const text = await readFile(this.file, 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return '';
      throw e;
    });
    const seen = new Set(this.events.map((e) => e.eventId));
    for (const line of text.split('\n')) {
      const e = parseLine(line);
      if (e && !seen.has(e.eventId)) {
        seen.add(e.eventId);
        this.events.push(e);
      }
    }
    return this.events.length;
  }

  /** Adds events at the end; resolves once they are on disk. */
  async add(events: readonly CallLogEvent[]): Promise<void> {
    if (this.file !== null) {
      const h = await this.open(this.file);
      await h.appendFile(events.map((e) => `${JSON.stringify(e)}\n`).join(''), 'utf8');
      await h.datasync();
    }
    this.events.push(...events);
  }

  /** The oldest `n` events, without removing them. */
  peek(n: number): readonly CallLogEvent[] {
    return this.events.slice(0, n);
  }

  /** Removes the oldest `n` events, once they are in the database. */
  async remove(n: number): Promise<void> {
    this.events.splice(0, n);
    if (this.events.length === 0 && this.file !== null)
      await (await this.open(this.file)).truncate(0);
  }

  /** Closes the file; its content stays for the next start. */
  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }

  private async open(file: string): Promise<FileHandle> {
    if (!this.handle) {
      await mkdir(dirname(file), { recursive: true });
      this.handle = await open(file, 'a', 0o600);
    }
    return this.handle;
  }
}

const parseLine = (line: string): CallLogEvent | undefined => {
  if (line.trim() === '') return undefined;
  try {
    const e = JSON.parse(line) as Partial<CallLogEvent>;
    return typeof e.eventId === 'string' && typeof e.type === 'string' && e.data
      ? (e as CallLogEvent)
      : undefined;
  } catch {
    return undefined;
  }
};
